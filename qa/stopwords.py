"""The project's own English stop-word list (NLTK's list needs ``nltk_data``, which we never use).

Words are in their normalised form: lower case, no apostrophes (``don't`` → ``dont``).
Question words stay out of the index and the query alike; the answer module reads them
from the raw question to learn its form.
"""

STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are arent as at
    be because been before being below between both but by
    can cannot cant could couldnt
    did didnt do does doesnt doing dont down during
    each either else ever every
    few for from further
    get gets got
    had hadnt has hasnt have havent having he hed hell hes her here heres hers herself him himself his how hows
    i id ill im ive if in into is isnt it its itself
    just lets
    may me might more most must mustnt my myself
    no nor not now
    of off often on once only or other ought our ours ourselves out over own
    per please
    quite rather really
    same shall shant she shed shell shes should shouldnt so some such
    than that thats the their theirs them themselves then there theres these they theyd theyll theyre theyve
    this those though through thus to too
    under until up upon us
    very
    was wasnt we wed well were weve werent what whats when whens where wheres whether which while who whos whom
    whose why whys will with within without wont would wouldnt
    yet you youd youll youre youve your yours yourself yourselves
    """.split()
)
