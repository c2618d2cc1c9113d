"""
Acting on deadlines: asking for more time and deciding on it, chasing an answer that is late
(the ladder of letters), and marking a recommendation as a priority. When a response is due and
whether it is late is the record's own rule (`responses.deadlines`), which every page reads;
this app holds what people do about it.
"""
