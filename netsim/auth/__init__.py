"""Challenge-response authentication, shared by every lesson that checks a client (HMAC, classroom).

``macs`` the MACs and their comparison; ``machines`` sans-I/O state machines for both roles and
every protocol (netsim's framed form, ``multiprocessing.connection``, the lesson's unframed form);
``transport`` framed connections and a server that serves many; ``lesson_form`` the lesson's bare
exchange over a socket; ``events`` what they record.
"""
