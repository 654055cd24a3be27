"""The classroom: the instructor's server gathers every student's client over the LAN.

``protocol`` the wire rules (two handshake forms on one port, limits, verdicts, safe text);
``server`` the one-thread selectors server (a lab); ``client`` the join client and the lesson's
form as a student; ``demo`` a few simulated students for the panel; ``interfaces`` where to
listen; ``events`` what they record; ``cli`` ``netsim classroom serve|join``.
"""
