"""Shared pieces for every lesson's lab: the Lab protocol and worker base, kernel queue probes,
frame layouts.  Lessons (``netsim.lessons.*``) build on these and never on each other."""
