"""Cues in words: what people, vendors and libraries write for each cause, beyond Xero's own keys.

Xero's bodies are few (docs/xero-facts.md §6); what reaches a diagnosis is often a sentence: a
vendor's help article, an issue title, a library's fixed message. Each cue in ``CUES`` stands for
one fact about how a cause shows itself in words (the fact is written above it), never for one
text: its alternatives are the shapes people, vendors and libraries use for it.

``cue_markers`` names the cues a text holds (they join ``Observation.markers``), plus
``region_pair`` when a text sets two payroll countries against each other ("an NZ call on an AU
organisation"); ``scope_names`` lists the scope names a text mentions. Every pattern is linear
(tests/test_diagnose_linear.py): possessive or bounded repeats only.

>>> sorted(cue_markers("Refresh token is out of date; please reconnect"))
['refresh_refused']
"""

from __future__ import annotations

import re

_RT = r"refresh[\s_-]?+tokens?\b"  # refresh token, refresh_token, RefreshToken (getRefreshToken())
_GAP = r"[^.\n]{0,40}?"  # a few words within one sentence
CUES: dict[str, tuple[str, ...]] = {
    # Xero refuses a spent, idle (60 days) or revoked refresh token with invalid_grant (§6 E12);
    # integrations say "the connection has expired, reconnect".
    "refresh_refused": (
        # (the gap does not cross "access": "refresh_token ...), access token expired" is another token)
        r"\b" + _RT + r"(?:(?!access\b)[^.\n]){0,40}?" + r"\b(?:invalid|expired?|out\s++of\s++date|revoked|"
        r"rejected|no\s++longer\s++"
        r"valid|not\s++valid|stale|already\s++(?:been\s++)?used|reused|not\s++found|been\s++used|(?:been\s++)?"
        r"consumed|spent)\b",
        r"\b(?:invalid|expired|stale|revoked|spent|old|outdated)\s++" + _RT,
        r"\brefresh(?:ing|ed)?\b[^.\n]{0,60}?\binvalid[_ ](?:token|grant)",
        r"\bsession\s++(?:has\s++|is\s++)?(?:expired|lapsed)\b",
        r"\b(?:connection|link|authori[sz]ation|credentials|authentication)\b(?:[^.\n]|\.\.\.|\u2026){0,50}?\b(?:(?:has|have|is)\s++)?"
        r"(?:expired|lapsed|no\s++longer\s++valid)\b",
        # an authorization code is single-use and short-lived: reused or late, the exchange is refused
        r"\bconnection\b[^.\n]{0,30}?\bneeds?\s++(?:to\s++be\s++)?renew(?:ed|al|ing)\b",
        r"\bauthori[sz]ation\s++code\b[^.\n]{0,30}?\b(?:already\s++(?:been\s++)?(?:used|redeemed)|expired|reused)\b",
        r"\bcode\s++(?:provided|given|sent|supplied)\b[^.\n]{0,40}?\b(?:already\s++(?:been\s++)?used|expired)\b",
        # a refresh tried and refused ("could not be refreshed"); "not refreshed" alone is no_refresh
        r"\b(?:could\s*+n[o']t|cannot|can't|unable\s++to)\s++(?:be\s++)?refresh(?:ed)?\b",
        # a refresh token unused for 60 days expires (§4): integrations say the connection is
        # dropped "after 60 days of inactivity"
        r"\b(?:60|sixty)\+?\s*+days\b[^.\n]{0,30}?\b(?:inactiv\w*+|unused|not\s++(?:being\s++)?used|idle|"
        r"without\s++(?:use|activity|being\s++used))",
        r"\b(?:inactiv\w*+|unused|idle)\b[^.\n]{0,30}?\b(?:60|sixty)\s++days\b",
        r"\b(?:60|sixty)\s++days\s++(?:with\s++)?no\s++(?:activity|use)\b",
        r"\bno\s++(?:activity|use|usage|sync\w*+)\s++(?:for|in|over)\s++(?:more\s++than\s++|over\s++)?(?:60|sixty)\+?\s*+days\b",
        r"(?:\bnot|n['\u2019]t)\s++(?:been\s++)?(?:use[ds]?|using|touch\w*+|open\w*+)\b[^.\n]{0,20}?\b(?:for|in|over)\s++"
        r"(?:more\s++than\s++|over\s++)?(?:60|sixty)\+?\s*+days\b",
        r"\b(?:2|two)\s++months\b[^.\n]{0,40}?\b(?:not\s++(?:using|used)|unused|inactiv\w*+|idle)|\b(?:not\s++(?:use|using|used)|"
        r"unused|inactiv\w*+|idle)\b[^.\n]{0,40}?\b(?:2|two)\s++months\b",
        r"\brefresh\w*+\b[^.\n]{0,40}?\bstill\s++(?:fails?|failing|401|unauthori[sz]ed)\b",
        # the refresh made and no better ("refreshing the access token didn't fix it")
        r"\b(?:refresh|renew)(?:ing|ed)?\b[^.\n]{0,40}?\b(?:did\s*+n[o']t|does\s*+n[o']t|do\s++not|did\s++not|won't|will\s++not)\s++"
        r"(?:fix|help|solve|resolve|cure|sort|change)\b"),
    # No refresh token (null, missing, offline_access not asked for), or no refresh at all:
    # the 30-minute access token lapses (§4).
    "no_refresh": (
        r"\bkeyerror:\s*+['\"]refresh_token['\"]",  # Python: the token response has no refresh_token
        _RT + _GAP + r"\b(?:null|none|nil|empty|undefined|missing|not\s++(?:returned|issued|provided|"
        r"present|set|saved|stored))\b",
        r"\bno\s++" + _RT,
        r"\b(?:without|missing|no|lacks?|lacking|forgot)\s++(?:the\s++)?[`'\"]?offline_access",
        r"\btokens?\b[^.\n]{0,30}?(?:\bnot|n['\u2019]t)\s++(?:being\s++)?(?:renew|refresh)(?:ed|ing)?\b",
        r"\b(?:token\s++)?refresh(?:ing)?\s++(?:is\s++)?(?:broken|not\s++working|failing|stopped)\b",
        r"\brefresh(?:ing)?\s++(?:the\s++|xero\s++|our\s++|my\s++)?tokens?\s++(?:does\s*+n[o'\u2019]t|do\s*+n[o'\u2019]t|"
        r"no\s++longer|stopped)\s++work",
        r"\brefresh\b[^.\n]{0,40}?(?:\bis\s*+n[o'\u2019]t|\bis\s++not)\s++working\b|\bbroken\s++(?:token\s++)?refresh\b",
        r"\btokens?\b[^.\n]{0,60}?\b(?:(?:30|thirty)\s*+min|half\s++an\s++hour)",
        r"\b(?:access|data|connection|session)\b[^.\n]{0,40}?\bfor\s++(?:only\s++|just\s++)?(?:30|thirty)\s++min\w*+"
        r"(?:\s++at\s++a\s++time)?",
        r"\bnever\s++(?:refresh|renew)(?:es|ed|s)?\b",
        r"\bafter\s++(?:about\s++|around\s++)?(?:30|thirty)\s++min\w*+\b[^.\n]{0,40}?\b(?:stops?\s++working|does\s*+n[o']t\s++work|"
        r"no\s++longer\s++works?|not\s++work\w*+)",
        r"\b(?:stops?|stopped|ends?|ended|cuts?\s++out|drops?|dropped|dies|died)\b[^.\n]{0,20}?\bafter\s++(?:about\s++|"
        r"around\s++)?(?:30|thirty)\s++min",
        r"\b(?:loses?|lost|losing)\s++(?:its\s++|the\s++)?access\s++after\s++(?:about\s++)?(?:30|thirty)\s++min",
        r"\b(?:access|tokens?|sessions?|connection)\b[^.\n]{0,20}?\b(?:only\s++)?(?:lasts?|is\s++valid|are\s++valid|"
        r"good|expires?)\s++(?:for\s++)?(?:only\s++|just\s++)?(?:30|thirty)\s++min",
        r"\b(?:forgot|forgetting|failed|fail)\s++to\s++(?:refresh|renew)\b|\bdid\s*+n[o']t\s++(?:refresh|renew)\b",
        # reconnecting every 30 minutes: the access token's lifetime, with nothing refreshing it
        r"\b(?:re-?connect\w*+|re-?establish\w*+|re-?authori[sz]\w*+|(?:log|sign)\w*+\s++in\s++again|expir\w*+|dies|"
        r"lapses?)\b[^.\n]{0,30}?\bevery\s++(?:(?:30|thirty)\s++min\w*+|half\s++(?:an\s++)?hour)\b"),
    # An access token said to have expired or timed out, in any word order (E1).
    "expired_words": (
        r"\b(?:access\s*+)?tokens?\b" + _GAP + r"\b(?:timed?\s*+out|expir(?:ed|es|y|ing))\b",
        r"\b(?:expired|stale|old)\s++(?:access\s*+)?tokens?\b"),
    # A failure that starts after a while, or comes and goes: access tokens age out after 30
    # minutes, while a missing scope fails from the first call.
    "after_a_while": (
        r"\bafter\s++(?:about\s++|around\s++|roughly\s++|approximately\s++)?(?:a\s++while|some\s++time|(?:30|thirty)\s++"
        r"min\w*+|half\s++an\s++hour|an?\s++hour|a\s++few\s++(?:minutes|hours))\b",
        # "works for about 30 minutes, then ...": the access token's lifetime
        r"\b(?:works?|working|worked|fine|ok)\b[^.\n]{0,30}?\b(?:30|thirty)\s++min\w*+|\b(?:30|thirty)\s++min\w*+\b"
        r"[^.\n]{0,30}?\b(?:then|after\s++that|later)\b",
        r"\bintermittent(?:ly)?\b|\bsometimes\b|\brandomly\b",
        r"\b(?:during|mid[\s-]?)\s*+(?:the\s++|a\s++)?(?:long\s++)?(?:sync|run|import|export|job)\b"),
    # Reconnect, re-authorise, sign in again: what an integration asks once its refresh token is
    # dead (an expired access token alone is refreshed without the user).
    "reconnect": (r"\bre-?(?:connect|authori[sz]e|authenticate|link)(?:ed|ing|ion)?\b",
                  r"\b(?:connect|authori[sz]e|link)\s++(?:it\s++|xero\s++|the\s++app\s++)?(?:again|one\s++more\s++time|"
                  r"once\s++more|anew)\b",
                  r"\b(?:sign|log)\s*+in\s++(?:to\s++xero\s++)?again\b"),
    # OAuth 1.0a's token_rejected ("does not match an expected ... token"): the token presented
    # is no longer the current one.
    "token_rejected": (r"\btoken[_ ]rejected\b",
                       r"\bdoes\s++not\s++match\s++an\s++expected\b[^.\n]{0,20}?\btoken\b"),
    # Xero user roles and permissions (§8): invoice-only, read-only, standard/adviser, payroll
    # admin, reports access, a role changed, a user without the rights.
    "role": (
        # only Standard and Adviser users may connect: anyone else never sees the organisation in
        # the consent screen's list (§8); a capped app shows it but greys it out (connection_cap)
        r"\b(?:organi[sz]ation|org|company|file|client)\b[^.\n]{0,30}?\b(?:does\s*+n[o']t|did\s*+n[o']t|do\s++not|"
        r"is\s*+n[o']t|not)\s++(?:be\s++)?(?:appear\w*+|show\w*+(?:\s++up)?|listed|visible|available)\b[^.\n]{0,40}?\b(?:picker|drop-?down|to\s++(?:choose|"
        r"select)|consent|when\s++(?:connecting|authori[sz]ing|signing\s++in))",
        # the consent screen offering no organisation at all ("No Xero Organisation" after the
        # redirect to Xero): the user holds no Standard or Adviser role anywhere (§8)
        r"\b(?:consent\w*+|approv\w*+|authori[sz]\w*+|redirected\s++to\s++xero)\b[^\n]{0,100}?\bno\s++(?:xero\s++)?"
        r"organi[sz]ations?\b",
        r"\bno\s++(?:xero\s++)?organi[sz]ations?\b[^.\n]{0,60}?\b(?:to\s++(?:choose|select|connect)|(?:in|on)\s++the\s++"
        r"(?:consent|picker|list))",
        r"\b(?:sales\s++)?invoic(?:es?|ing)[\s-]*+only\b",
        r"\bonly\b[^.\n]{0,30}?\b(?:do|for|access|create|raise|enter)\s++(?:the\s++)?sales\s++invoices\b",
        r"\bread[\s-]*+only\s++(?:user|role|access)",
        r"\b(?:standard|adviser|advisor)['\"\u2019]?\s++(?:(?:or|and|/)\s++['\"\u2018\u2019]?(?:standard|adviser|"
        r"advisor)['\"\u2019]?\s++)?(?:xero\s++)?(?:level\b|(?:level\s++)?(?:roles?|users?|access|permissions?|perms)\b)",
        r"\bonly\s++(?:\w++\s++){0,2}?(?:standard|adviser|advisor)\s++users?\b",
        r"\bpayroll\b[^.\n]{0,20}?\badmin|\badmin\w*+\s++(?:access\s++)?(?:to|for|on)\s++payroll\b",
        r"\breports?\s++(?:access|role|permission)|\breporting\s++role\b",
        r"\buser(?:'s)?\s++(?:role|permissions?|access\s++level)\b",
        # "the access level of the user who integrated", "the role of the Xero user"
        r"\b(?:access\s++level|permissions?|role|rights)\s++of\s++(?:the\s++(?:xero\s++)?(?:user|person)|whoever|"
        r"the\s++one\s++who)\b",
        r"\brole\b[^.\n]{0,20}?\b(?:downgraded|changed|lowered|removed)\b",
        r"\b(?:do|does)\s*+n[o'\u2019]t\s++have\s++(?:the\s++)?access\s++to\s++connect\b",
        # the user who connected, named by what they did ("the integrating user's access level")
        r"\b(?:integrating|connecting|authori[sz]ing)\s++user(?:'s|\u2019s)?\s++(?:xero\s++)?(?:access\s++level|role|"
        r"permissions?)\b",
        r"\b(?:access\s++level|role|permissions?)\s++of\s++(?:the\s++)?(?:integrating|connecting|authori[sz]ing)\s++user\b",
        r"\b(?:user|person)\s++who\s++(?:first\s++|originally\s++|initially\s++)?(?:connected|integrated|authori[sz]ed|"
        r"set\s++(?:it\s++|them\s++)?up)\b[^.\n]{0,40}?\b(?:access\s++level|role|permissions?|rights)\b",
        r"\b(?:my|her|his|their|our)\s++(?:permissions?|access\s++level|role|rights)\s++(?:in|on|within)\s++xero\b",
        r"\b(?:my|her|his|their|our)\s++xero\s++(?:permissions?|access\s++level|role|rights)\b",
        r"\bcashbook\s++client\b",
        # payroll rights are a user's, given per user ("You do not have sufficient payroll permissions")
        r"\b(?:do(?:es)?\s*+n[o']t\s++have|without|lacks?|lacking|insufficient|no)\s++(?:sufficient\s++|enough\s++|"
        r"the\s++)?payroll\s++(?:permissions?|access|rights?|admin\w*+)\b",
        # Practice Manager lets each staff member connect add-ons only when an admin allows it
        r"\b(?:3rd|third)[\s-]*+party\s++(?:full\s++)?(?:access|add-?ons?)\b",
        # only some users may connect an app: the subscriber, an adviser, a standard user (§8)
        r"\b(?:only|must\s++be)\s++(?:an?\s++|the\s++)?(?:xero\s++)?(?:subscriber|adviser|advisor|admin\w*+|"
        r"standard\s++user)\b[^.\n]{0,40}?\b(?:can|may)\s++(?:connect|authori[sz]e|approve)",
        # a person's permissions in Xero ("you do not have the correct permissions on Xero")
        r"\b(?:(?:you|they|users?|staff|i|we)\s++)?(?:do|does)\s*+n[o']t\s++have\s++(?:the\s++)?(?:correct|right|required|"
        r"necessary|sufficient|appropriate|enough)\s++(?:permissions?|access|rights?)\s++(?:on|in|to|within)\s++"
        r"(?:the\s++)?xero\b",
        r"\buser\b[^.\n]{0,20}?\b(?:lacks?|has\s++no|does\s*+n[o']t\s++have|without)\s++(?:the\s++)?"
        r"(?:required\s++|necessary\s++|sufficient\s++)?(?:xero\s++)?(?:payroll\s++|reports?\s++|admin\s++)?"
        r"(?:permissions?|access|rights?)\b(?!\s++to\s++access\s++the\s++resource\b)"),
    # "Permission denied": a role, but sometimes a scope (weaker).
    "permission_denied": (r"\bpermission\s++denied\b",),
    # "not permitted to access this resource" and no role: calcinai/xero-php's ForbiddenException
    # text, thrown for every 401 that is not an OAuth problem and for every 403.
    "generic_forbidden": (r"\bnot\s++permitted\s++to\s++access\s++this\s++resource\b(?!\s*+without)",
                          # Xero's own one-line meaning of any 403 (http-response-codes), which
                          # Singer tap-xero and its forks print for every 403 instead of the body
                          r"\buser\s++(?:doesn'?t|does\s++not)\s++have\s++permission\s++to\s++access\s++the\s++resource\b"),
    # Access revoked or disconnected, the app removed, the organisation deleted or its trial
    # over, /connections empty (§8, §9 #6).
    "revoked": (
        r"\b(?:revoked|disconnected|deauthori[sz]ed)\b",
        r"\bconnections?\b" + _GAP + r"\b(?:removed|deleted|empty)\b",
        # GET /connections answering nothing: no organisation is connected any more (§8)
        r"\bconnections\b[^;!?]{0,160}?\b(?:returns?|returned|returning|gives?|shows?|is|are|was|(?:comes?|came|"
        r"coming)\s++back(?:\s++with)?|responds?\s++with|brings?\s++back)\s++(?:no\s++"
        r"(?:results|tenants|organi[sz]ations|connections|data)\b|nothing\b|empty\b|an\s++empty\b|[`'\"]?\[\s*+\])",
        r"\bunlinked\b|\bno\s++longer\s++(?:connected|linked)\b|(?:\bnot|n['\u2019]t)\s++(?:connected|linked)\b[^.\n]{0,20}?\bany\s*+more\b|\bconnection\s++(?:was\s++|has\s++been\s++)?lost\b"
        r"(?!\s++(?:their|his|her|its|the|a|an)\b)",
        r"\b(?:removed|deleted|disconnected|uninstalled)\b" + _GAP + r"\bconnected\s++apps\b",
        r"\bremoved\s++(?:the\s++|our\s++|your\s++)?(?:app|integration)\b",
        r"\b(?:removed|deleted|disconnected)\s++(?:our|the|my|your|their)\s++(?:xero\s++)?(?:organi[sz]ation|org|company|"
        r"tenant)\s++from\b",
        r"\blost\s++(?:the\s++|its\s++|our\s++|their\s++)?connection\s++(?:to|with)\b",
        # the app gone from the organisation's Connected Apps, or a person pressing disconnect there
        r"(?:\bnot|n['\u2019]t)\s++(?:in|on)\s++(?:the|that|our|their|your|my)\s++(?:connected\s++apps\s++)?list\s++any\s*+more\b",
        r"\b(?:hit|clicked|click|pressed|press|tapped)\s++(?:on\s++)?[\"'\u201c]?disconnect\b",
        r"\bremov(?:ed|ing)\b[^.\n]{0,30}?\bapps?\b|\bapps\b[^.\n]{0,60}?\bremoved\s++(?:a\s++(?:few|couple)|some|several|them)\b",
        # a subscription closed, or the organisation asking to subscribe to go on (its trial over)
        r"\b(?:closed|cancell?ed|ended|terminated|stopped)\s++(?:their|our|the|its|his|her|my)\s++(?:xero\s++)?"
        r"subscription\b",
        r"\bcancell?ed\s++(?:their\s++|our\s++|the\s++)?xero\b",
        r"\bxero\s++(?:account|organi[sz]ation|org|file)\b[^.\n]{0,12}?\b(?:was\s++|has\s++been\s++|is\s++)?closed\b",
        r"\b(?:org|organi[sz]ation|company|tenant)\b[^.\n]{0,12}?\b(?:is|was|has)\s++(?:now\s++)?gone\b",
        # someone tidying the organisation's connected apps, or its app list, and the app went with it
        r"\b(?:clean\w*+|tid(?:y|ied|ying))\s++up\s++(?:the\s++|their\s++|our\s++|its\s++)?(?:integrations|apps|"
        r"connected\s++apps|connections)\b",
        # xero-node's updateTenants() or an SDK's connections call answering nothing
        r"\bupdate_?tenants\(\)\s*+(?:returns?|returned|gives?|gave|is)\s++(?:an?\s++)?(?:empty|\[\s*+\])",
        r"\bget_?connections(?:async)?\b[^.\n]{0,20}?\b(?:returned|returns|gave|gives)\s++(?:0|zero|no)\s++(?:connections?|"
        r"tenants?|organi[sz]ations?)\b",
        r"\bconnections\b[^.\n:]{0,30}?:\s*+0\b(?!\.\d)",
        r"\bsubscribe\s++to\s++(?:keep|continue)\s++using\b",
        # GET /connections answering [] in a log or a REPL, "0 tenants" after updateTenants
        r"\bupdatetenants\(\)\s*+:?\s*+0\s++tenants\b",  # (xero-node's; "0 tenants" alone has other causes)
        r"\b(?:remov(?:e|ed|es|ing)|delet(?:e|ed|es|ing)|disconnect(?:ed|s|ing)?)\s++(?:the\s++|our\s++|my\s++|your\s++|their\s++)?"
        r"(?:xero\s++)?(?:organi[sz]ation|org|company|tenant)(?:['\u2019]s)?\s++connection\b",
        r"\bconnection\b[^.\n]{0,20}?\b(?:disappeared|vanished|went\s++away|is\s++gone|has\s++gone)\b",
        r"\b(?:lists?|shows?|returns?)\s++no\s++(?:connected\s++)?(?:organi[sz]ations|orgs|tenants)\b",
        r"\b(?:make\s++sure|ensure|check)\b[^.\n]{0,30}?\bsubscription\s++is\s++active\b",
        r"\bdisconnect(?:s|ing)?\s++(?:the\s++|your\s++|our\s++|an?\s++)?(?:xero\s++)?(?:organi[sz]ation|org|"
        r"company|tenant|integration|app)\b",
        r"\bsubscription\b[^.\n]{0,20}?\b(?:was\s++|been\s++|is\s++|has\s++)?(?:cancell?ed|canceled|"
        r"terminated|ended|lapsed)\b",
        # a Xero subscription no longer paid for: the organisation is no longer reachable
        r"\bsubscription\b[^.\n]{0,20}?\b(?:is\s++|was\s++|has\s++)?(?:still\s++active|inactive|not\s++active|"
        r"suspended|expired)\b",
        r"\b(?:organi[sz]ation|org|company)\b[^.\n]{0,20}?\b(?:was\s++|been\s++|is\s++)?(?:deleted|"
        r"cancelled|archived)\b",
        r"\b(?:organi[sz]ation|org|company|tenant)\b[^.\n]{0,20}?\bno\s++longer\s++exists\b",
        r"\btrial\b[^.\n]{0,40}?\b(?:ended|expired|over|ran\s++out|run\s++out|lapsed)\b",
        r"\bno\s++(?:xero\s++)?(?:organi[sz]ations?|orgs?|tenants?|companies)\s++(?:are\s++|is\s++)?(?:connected|"
        r"linked)\b"),
    # The xero-tenant-id header named as missing (§9 #1).
    "tenant_missing": (
        # an SDK method called with an empty tenant id, its first argument, as a stack frame shows
        # it (xero-php-oauth2: "AccountingApi->getInvoices('', NULL, ...)")
        r"\b(?:accounting|payroll\w{0,6}|assets|projects|files|identity|bankfeeds|finance)_?api(?:->|\.)"
        r"\w{1,80}\(\s*+(?:''|\"\")\s*+[,)]",
        r"\b(?:xero[_-]?)?tenant[_ -]?id\b[^.\n]{0,30}?\b(?:header\s++)?(?:is\s++|was\s++)?(?:missing|not\s++"
        r"(?:sent|set|passed|provided|included)|empty|blank)\b",
        r"\b(?:empty|blank)\s++[`'\"]?(?:xero[_-]?)?tenant[_ -]?id\b",
        r"\btenant[_-]?id[\"']?\s*+[:=]\s*+(?:\"\"|''|null\b|none\b|nil\b)",  # logged empty
        r"\btenant[_ -]?id\b[^.\n]{0,60}?\b(?:stays?|remains?|is\s++still|left)\s++"
        r"(?:empty|blank|unset|null)\b",
        r"(?:\bnot|n['\u2019]t)\s++(?:copy|set|pass|send|include|populate|save|store|add)\s++(?:the\s++|a\s++)?"
        r"(?:xero[_-]?)?tenant[_ -]?id\b",
        r"\b(?:missing|without|no|(?:forgot|forgetting|needed|need|had|must)(?:\s++to\s++(?:send|pass|set|add|"
        r"include))?|omitted|"
        r"didn'?t\s++(?:send|pass|set))\s++(?:the\s++|"
        r"a\s++)?(?:xero[_-]?)?tenant[_ -]?id\b",
        # every generated SDK refuses to call without one: xero-node "Required parameter
        # xeroTenantId was null or undefined when calling getInvoices", Java/.NET/Ruby/PHP/Python
        # "Missing the required parameter 'xeroTenantId' / `xero_tenant_id` when calling ..."
        r"\brequired\s++parameter\s++[`'\"$]?xero_?tenant_?id\b",
        r"\b(?:dropp\w*+|strip\w*+|remov(?:ed|es|ing)|lost|los(?:es|ing))\b[^.\n]{0,30}?\b(?:xero[_-]?)?"
        r"tenant[_ -]?id\s++header\b",
        r"\b(?:xero[_-]?)?tenant[_ -]?id\b[^.\n]{0,30}?\b(?:was\s++|is\s++)?(?:null|undefined|none|"
        r"not\s++set|required)\b",
        # the id never filled in where the header is built from ("doesn't get copied into the
        # variable", "is not populated")
        r"\btenant[_ -]?id\b[^.\n]{0,30}?\b(?:does\s*+n[o']t|did\s*+n[o']t|is\s*+n[o']t|was\s*+n[o']t|"
        r"never)\s++(?:gets?\s++|being\s++|been\s++)?(?:\w{3,12}ly\s++)?(?:copied|populated|filled|passed|saved|stored|"
        r"included|added|"
        r"lands?|written|set)\b",
        # the app asks which organisation to use: none was chosen, so no tenant id is sent
        # ("Please select which Xero organization this workspace should sync with")
        r"\b(?:select|choose|pick|asks?\s++(?:me\s++|you\s++|us\s++)?which)\s++(?:which\s++|an?\s++|the\s++|your\s++)?"
        r"(?:xero\s++)?(?:organi[sz]ation|org|company|tenant)\b[^.\n]{0,60}?"
        r"\b(?:sync|connect|use|link|export|import)\w*+",
        r"\bno\s++(?:xero\s++)?(?:organi[sz]ation|org|company|tenant)\s++(?:is\s++|was\s++|has\s++been\s++)?"
        r"(?:selected|chosen|set)\b"),
    # The tenant id called wrong, stale, changed or another organisation's; a reset demo company
    # gets a new one (§9 #1).
    "tenant_wrong": (
        r"\b(?:wrong|old|stale|previous|incorrect|another|different)\s++(?:xero\s++)?(?:tenant|"
        r"organi[sz]ation|org|company)(?:[_ -]?id)?\b",
        r"\btenant[_ -]?id\b[^.\n]{0,30}?\b(?:changed|wrong|stale|incorrect|different)\b",
        r"\bdemo\s++(?:company\s++)?(?:was\s++|had\s++been\s++|been\s++)?reset\b",
        r"\breset(?:s|ting)?\s++(?:the\s++|their\s++|our\s++|your\s++|his\s++|her\s++|a\s++|my\s++)?demo\s++(?:company|org\w*+)\b",
        # the Demo Company that worked before and fails now: it resets (about every 28 days) and the
        # reset drops its connections and gives it a new tenant id (§8)
        r"\bdemo\s++(?:company|org\w*+)\b[^\n]{0,80}?\b(?:(?:it\s++|was\s++|were\s++)?work(?:ed|ing)\s++"
        r"(?:fine\s++)?(?:yesterday|before|last\s++(?:week|month)|until)|stopped\s++working|suddenly)\b",
        r"\b(?:work(?:ed|ing)\s++(?:fine\s++)?(?:yesterday|last\s++(?:week|month))|stopped\s++working)\b"
        r"[^\n]{0,80}?\bdemo\s++(?:company|org\w*+)\b",
        # tokens may reach several organisations: taking the first one blindly picks the wrong one
        r"\b(?:one|a)\s++(?:xero\s++)?organi[sz]ation\b[^.\n]{0,50}?\b(?:a\s++different|another|some\s++other)"
        r"(?:\s++one)?\b",
        r"\bfirst\s++(?:one|tenant|organi[sz]ation|org|connection)\s++(?:in|from|of)\s++(?:the\s++|your\s++|our\s++)?list\b|"
        r"\b(?:tenants|connections)\s*+\[\s*+0\s*+\]",
        # a practice's tenant (tenantType PRACTICE, XPM) called on the accounting API: another organisation
        r"\btenant_?type\b[^.\n]{0,10}?\bpractice\b|\bpractice\s++tenant\b",
        # a stale organisation, or the Demo Company, offered and chosen at connect time
        r"\b(?:stale|demo\s++company)\b[^.\n]{0,60}?\b(?:picked|chosen|selected)\b",
        # the connection's own id taken for the tenant id (connections[0]['id'], not ['tenantId'])
        r"\btenant\w*+\s*+=\s*+[^\n]{0,40}?\[\s*+['\"]id['\"]\s*+\]",
        # a tenant id copied from somewhere else than this token's /connections
        r"\btenant[_ -]?id\b[^.\n]{0,60}?\b(?:from\s++(?:a|the|his|her|their)\s++(?:screenshot|tutorial|"
        r"video|blog|example)|(?:gave|sent)\s++me)\b",
        r"\b(?:copied|took|taken)\b[^.\n]{0,30}?\btenant[_ -]?id\b[^.\n]{0,30}?\bfrom\s++(?:a|the|his|her|"
        r"their)\s++(?:screenshot|tutorial|video|blog|example)\b"),
    # The tenant id said to be sent (passed to the SDK, set, provided): the header was there.
    "tenant_sent": (
        r"\b(?:pass(?:ed|ing)?|send(?:ing)?|sent|provid(?:e|ed|ing)|setting|includ(?:ed|ing)|supply(?:ing)?|"
        r"supplied|(?:auto)?select(?:ed|ing)?|picked|chose)\b[^.\n]{0,30}?\btenant(?:[_ -]?id)?\b",
        r"\btenant[_ -]?id\b[^.\n]{0,30}?\b(?:is|was|are|were)\s++(?:being\s++)?(?:passed|sent|provided|set|"
        r"correct|right|valid)\b",
        r"\bvalid\b[^.\n]{0,30}?\btenant[_ -]?id\b"),
    # The header said to be there, checked ("the xero-tenant-id header is present and correct",
    # "tenant header is included (checked in Fiddler)", Chinese "already set the xero-tenant-id
    # header"): more than "I pass the tenant id", which a code that sends it empty says too.
    "tenant_header_present": (
        r"\btenant[\w-]{0,10}(?:\s++id)?\s++header\b[^.\n]{0,20}?\b(?:is|was|are|were)\s++(?:\w++\s++)?"
        r"(?:present|there|included|set|sent|correct|right|populated|being\s++sent)\b",
        r"\b(?:have|has|had|did)\s++(?:already\s++|definitely\s++)?(?:set|added|included|sent|passed)\s++(?:the\s++)?"
        r"xero[_-]?tenant[_-]?id\b",
        "\u5df2(?:\u7ecf)?(?:\u8bbe\u7f6e|\u6dfb\u52a0|\u4f20|\u53d1\u9001)\u4e86?\\s*+xero[_-]?tenant[_-]?id"),
    # xero-node's updateTenants() reads GET /Organisation for every connection, so it fails (or
    # leaves xero.tenants empty) without accounting.settings(.read) (xero-node README).
    "update_tenants": (r"\bupdate_?tenants\b",),
    # The disconnect call, DELETE /connections/{id}: it takes the connection id, and refuses a
    # tenantId or authEventId (§9 #10).
    "disconnect_call": (
        r"\bDELETE\b[^\n]{0,80}?/connections/",
        r"(?:call\w*+|invok\w*+|us(?:e|ing))\s++[`'\"]?(?:\w{1,30}\.)?disconnect\b",
        r"\.disconnect\(|`disconnect`"),
    # A connection limit, or the tiers that set it (§7): tier_gated.
    "connection_cap": (
        r"\bconnection[\s_-]?limit\b",
        r"\b(?:caps?|capped|limits?|limited)\b[^.\n]{0,40}?\b\d{1,5}\s++(?:connections|organi[sz]ations|tenants|orgs)\b",
        r"\b\d{1,5}\s++(?:connections|organi[sz]ations|tenants|orgs)\s++(?:per|an?|each)\s++(?:oauth\s++)?app",
        r"\bunless\b[^.\n]{0,30}?\bcertified\b",
        r"\blimit\s++on\s++(?:the\s++number\s++of\s++)?(?:connected\s++)?(?:oauth\s++)?(?:users|connections|organi[sz]ations|"
        r"tenants)\b|\bcapped\s++on\s++(?:#|the\s++number)\s*+of\b",
        r"\b(?:caps?|capped|limit\w*+|restrict\w*+)\b[^.\n]{0,20}?\bhow\s++many\s++(?:\w++\s++)?(?:users|connections|"
        r"organi[sz]ations|tenants|orgs|companies)\b",
        r"\bmaximum\s++number\s++of\s++(?:tenants|organi[sz]ations|connections|orgs)\b",
        r"\bmaximum\s++of\s++\d{1,5}\s++(?:tenants|organi[sz]ations|connections|orgs|companies)\b",
        r"\b(?:connect|add)\s++more\s++(?:tenants|organi[sz]ations|orgs|companies)\b|\bdeveloper\s++(?:plan|tier)\b",
        r"\b(?:tenant|organi[sz]ation|connection)s?\s++(?:cap|limit)\s++(?:reached|exceeded|hit)",
        r"\blimit\s++of\s++(?:\d{1,4}\s++)?(?:connections|organi[sz]ations|tenants|orgs|connected\s++orgs)\b",
        r"\buncertified\s++app|\b(?:starter|core|plus|advanced)\s++(?:tier|plan)\b|\bapp\s++tier\b",
        r"\b(?:app|application)\b[^.\n]{0,30}?\bnot\s++(?:yet\s++)?certified\b|\b(?:greyed|grayed)\s++out\b",
        r"\bcertif(?:y|ied|ication)\b[^.\n]{0,40}?\b(?:connect\w*+|organi[sz]ations|orgs|tenants)\b",
        r"\bmore\s++than\s++\d{1,5}\s++(?:organi[sz]ations|orgs|tenants|connections|companies)\b",
        # an app allowed only so many users or organisations ("limits the number of OAuth users")
        r"\b(?:limit\w*+|caps?|capped|restrict\w*+)\s++(?:on\s++)?the\s++number\s++of\s++(?:\w++\s++)?(?:connected\s++)?"
        r"(?:users|connections|organi[sz]ations|tenants|orgs|companies)\b"),
    # The organisation's plan named ("on the Ledger plan", "under their subscription"): with a plan
    # product's endpoint (Projects, Payroll, Expenses), the plan is the likely refusal (§8).
    "plan_named": (
        r"\b(?:on|in|under)\s++(?:the|a|an|their|our|your|its|his|her)\s++(?:[\w\-\"'\u201c\u201d]++\s++){0,2}?(?:plan|"
        r"subscription|edition)\b",
        r"\b(?:plan|subscription|edition)\b[^.\n]{0,20}?\b(?:does\s*+n[o']t|do\s++not|without|lacks?)\b"),
    # A response said to have no body: Xero's own refusals (a tenant's 403, a scope's 401) carry
    # its problem JSON, so an empty 403 on one product's calls is that product (§8).
    "empty_body": (
        r"\b(?:empty|blank|no)\s++(?:response\s++)?body\b|\bbody\s++(?:is|was)\s++empty\b",),
    # The organisation's plan caps or bars the work (§8; vendors' articles): the small plans
    # (Ignite, Early, Simple, Starter) cap invoices and bills a month, and the Cashbook and Ledger
    # plans allow no API connection at all. Not a rate limit: waiting a minute does not help.
    "plan_cap": (
        r"\blimit\s++of\s++(?:\w++\s++){0,2}?(?:invoices|bills|quotes|transactions)\b",
        r"\b(?:invoices?|bills?|transactions?)\s++(?:limit|cap|allowance)s?\b",
        r"\b(?:subscription|plan)(?:'s)?[\s-]++(?:based\s++)?(?:limit|cap|allowance)s?\b",
        r"\b(?:limit|cap|allowance)s?\s++(?:that\s++comes\s++with|that\s++come\s++with|tied\s++to|on|of|in|within|from|with)\s++"
        r"(?:your|the|our|their|its)\s++(?:xero\s++)?(?:subscription|plan)\b",
        r"\b(?:cashbook|ledger|ignite|early|simple)\s++(?:(?:and|or|&)\s++(?:cashbook|ledger|ignite|early|"
        r"simple)\s++)?plans?\b",
        r"\b(?:invoices|bills)\b[^.\n]{0,30}?\b(?:per|a|each)\s++month\b",
        # a plan moved down or the cheapest one, with what it limits
        r"\b(?:bills|invoices|quotes)\s++(?:being\s++|are\s++|were\s++|is\s++)?(?:limited|capped)\b",
        r"\b(?:down(?:graded)?\s++to|on)\s++(?:the\s++|a\s++|one\s++of\s++the\s++)?(?:cheapest|cheaper|lowest|smallest|"
        r"basic)\s++(?:xero\s++)?plans?\b"),
    # The Journals endpoint (tier-gated from 2 Mar 2026, §8).
    "journals": (r"\bjournals\b(?!\.read)",),
    # A request quota or a daily / minute call limit: a rate limit in other words (§7).
    "quota": (
        r"\bas\s++many\s++(?:requests|calls)\b[^.\n]{0,40}?\ballows?\b",
        r"\b(?:request|api|call|daily|day|minute)\s++quota\b",
        r"\bmaximum\s++number\s++of\s++(?:api\s++)?(?:calls|requests)\b",
        # a count of calls reached, or the allowance said ("hit the 5000 calls per day")
        r"\b(?:hit|hitting|reached|reaching|maxed)\b[^.\n]{0,12}?\b\d[\d,]{0,9}+\s++(?:api\s++)?(?:calls|"
        r"requests)\b",
        r"\b\d[\d,]{0,9}+\s++(?:api\s++)?(?:calls|requests)\s++(?:per|a|an|each|every)\s++(?:day|minute|min|hour|"
        r"second)\s++(?:are\s++|is\s++)?(?:allowed|permitted)\b",
        r"\bexceed\w*+\s++(?:the\s++)?\d[\d,]{0,9}+\s++(?:api\s++)?(?:calls|requests)\b",
        r"\bquota\s++(?:exceeded|reached|exhausted|used\s++up)",
        # the day's or minute's allowance used up ("hit the daily cap")
        r"\b(?:hit|hitting|reached|reaching|exceeded|exceeding|over)\s++(?:the|its|our|their|a|xero'?s)\s++"
        r"(?:daily|day'?s|minute|per[\s-]minute|hourly)\s++(?:api\s++|call\s++|request\s++)?(?:cap|limit|quota|"
        r"allowance)\b",
        r"\b(?:daily|day|minute)\s++(?:call\s++|api\s++|request\s++)?limit\s++(?:reached|exceeded|hit)",
        r"\bexceed\w*+\b" + _GAP + r"\b(?:calls?|requests?|api|rate|daily|day|minute|tenant)\s++"
        r"(?:limit|quota)\b",
        r"\b(?:per|a)\s++(?:day|minute)\s++limit\b",
        # a limit on the number of calls or requests, in one sentence ("the limit of 5000 API
        # calls ... exceeded", "Xero limits the number of calls ... per 24 hours")
        r"\blimit(?:s|ed|ing)?\b[^.\n]{0,60}?\b(?:api\s++)?(?:calls|requests)\b",
        r"\b(?:api\s++)?(?:calls|requests)\b[^.\n]{0,40}?\blimit(?:s|ed)?\b",
        # a rate of calls said to be exceeded: "more than one request per second gives 503s"
        r"\b(?:more\s++than|over|exceed\w*+)\s++(?:\w++\s++){0,2}?(?:api\s++)?(?:calls?|requests?)\s++(?:per|a|an|"
        r"every)\s++(?:second|minute|min|hour|day)\b",
        r"\b(?:api|call|request)\s++limits?\s++(?:reached|exceeded|hit)\b",
        r"\b(?:api\s++)?(?:call|request)\s++limits?\b[^.\n]{0,40}?\b(?:reached|exceeded|hit)\b",
        r"\b(?:hit\w*+|reach\w*+|exceed\w*+|into|over)\s++(?:the\s++|xero'?s\s++|our\s++)?(?:api|rate|call|request)\s++"
        r"limits?\b",
        # urllib3's Retry waiting out a Retry-After (it does so for 413, 429 and 503 only): a
        # script "hanging" in sleep_for_retry, stopped with Ctrl-C, was waiting on a rate limit
        r"\bsleep_for_retry\b",
        # past the day's allowance in other words ("gone over the 5000 API calls allowed", "in the
        # rolling 24-hour window"): Xero's day limit is 5,000 calls per organisation, rolling (§7)
        r"\b(?:gone|went|go|going|got)\s++(?:over|past|beyond)\s++(?:the\s++|our\s++|xero'?s\s++)?(?:\w++\s++){0,2}?"
        r"\d[\d,]{0,9}+\s++(?:api\s++)?(?:calls|requests)\b",
        r"\brolling\s++24[\s-]?h(?:ou)?r?s?\b|\b24[\s-]?hour\s++window\b",
        r"\b(?:calls|requests)\s++allowed\b[^.\n]{0,40}?\b(?:used\s++up|exhausted|reached|exceeded|spent)\b",
        r"\b(?:request|call|api)\s++allowance\b",
        r"\b(?:number|amount)\s++of\s++(?:api\s++)?(?:calls|requests)\b[^.\n]{0,40}?\b(?:(?:in|per|a|each)\s++(?:24\s++hours|"
        r"day|minute)|daily)\b",
        r"\b(?:run|ran|running|runs|bump\w*+)\s++(?:into|up\s++against)\s++(?:the\s++)?(?:xero(?:'s)?\s++)?(?:api\s++)?"
        r"(?:rate\s++)?limits?\b"),
    # The 2026 scope change (§3): scope changes, deprecated / broad / granular scopes, apps
    # created after 2 March 2026.
    "scope_era": (
        r"\bscopes?\s++chang|\bchanges?\s++(?:to|in)\s++(?:the\s++)?(?:xero\s++)?(?:api\s++)?scopes",
        r"\bxero(?:'s|\u2019s)?\s++(?:has\s++|have\s++)?(?:changed|updated|replaced|reworked|split)\s++(?:its\s++|their\s++|"
        r"the\s++)?(?:api\s++|oauth\s++)?scopes\b",
        r"\bxero\s++(?:has\s++)?changed\s++something\b[^.\n]{0,20}?\bscopes\b",
        r"\b(?:wants?|needs?|requires?|only\s++(?:takes?|accepts?)|must\s++use)\s++(?:the\s++)?(?:new\s++)?granular\s++"
        r"(?:oauth\s++)?scopes\b",
        r"\bxero(?:'s|\u2019s)?\s++(?:has\s++)?changed\s++how\b[^.\n]{0,20}?\bscopes\b",
        r"\b(?:deprecated|outdated|legacy|broad)\s++(?:[\w.]++\s++){0,2}?scopes?\b",
        # new apps held to granular scopes, which replace accounting.transactions and its kin
        r"\b(?:new|newer|newly\s++created)\s++(?:xero\s++)?apps?\b[^.\n]{0,40}?\b(?:granular|broad)\b",
        r"\binstead\s++of\s++(?:the\s++)?(?:broad\s++)?[`'\"]?accounting\.(?:transactions|reports\.read)\b",
        r"\b(?:switch\w*+|mov\w*+|migrat\w*+|chang\w*+)\s++(?:away\s++)?from\s++(?:the\s++)?(?:broad\s++)?[`'\"]?"
        r"accounting\.(?:transactions|reports\.read)\b",
        r"\b(?:scopes?|accounting\.transactions|accounting\.reports\.read)\b[^\n;!?]{0,40}?\b(?:is|are|was|were|"
        r"been)\s++(?:now\s++)?deprecated\b",
        r"\bcreated\s++(?:on\s++or\s++)?(?:after|in|from|since)\b[^.\n]{0,20}?\b(?:(?:2\s++)?march\b|2026\b)",
        r"\bmarch\s++2,?\s++2026\b|\b2\s++march\s++2026\b"),
    # A product that works only with organisations of some countries ("only works with UK and AU
    # Xero organisations", "should be UK-based"): with a country named, a region mismatch.
    "region_only": (
        r"\bonly\s++(?:works?|available|supported|supports?|for)\b[^.\n]{0,40}?\b(?:uk|au|nz|australia|new\s++zealand|"
        r"united\s++kingdom)\b",
        r"\b(?:should|must|has\s++to|needs?\s++to)\s++be\s++(?:(?:uk|au|nz|australian|new\s++zealand|british)[\s-]++based|"
        r"(?:in\s++the\s++)?(?:uk|au|nz))\b"),
    # Granular scopes named: the app is in the 2026 world, but may be asking for the right ones
    # (weaker than the change itself).
    "granular_words": (r"\bgranular\b",),
    # an app said to be created after 2 Mar 2026: it is held to the granular scopes (§2b)
    "created_2026": (
        # made lately (today is after 2 Mar 2026): "the app Maria registered a few weeks ago"
        r"\b(?:app|application|integration)\b[^.\n]{0,40}?\b(?:created|made|registered|set\s++up)\b[^.\n]{0,30}?"
        r"\b(?:last\s++(?:week|month)|(?:a\s++few|few|\d{1,2}|two|three|four)\s++(?:days|weeks)\s++ago|this\s++(?:week|month)|"
        r"yesterday)\b",
        # the same code and scopes work on the older app: only the new app refuses them
        r"\b(?:old|older|original|previous|existing|other)\s++(?:xero\s++)?app\b[^.\n]{0,60}?\b(?:works?|worked|is\s++fine|"
        r"unaffected|still\s++(?:connects|works))\b",
        r"\b(?:old|older|original|previous)\s++(?:app|one)\b[^.\n]{0,40}?\b(?:with|using)\s++the\s++(?:same|identical)\s++"
        r"(?:code|scopes?)\b",
        r"\b(?:app|application|integration|connection)\b[^.\n]{0,30}?\b(?:created|made|registered)\s++(?:on\s++|in\s++|"
        r"after\s++|since\s++)?(?:(?:the\s++)?\d{1,2}(?:st|nd|rd|th)?\s++)?(?:april|apr|may|june|jun|july|jul|august|aug|"
        r"september|sept?|october|oct|november|nov|december|dec)\s++2026\b",
        r"\b(?:app|application|integration|connection)s?\b[^.\n]{0,30}?\b(?:created|made|registered|set\s++up)\s++(?:after|since)\s++"
        r"(?:the\s++)?(?:(?:[2-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s++)?(?:april|apr|may|june|jun|july|jul|august|aug|september|"
        r"sept?|october|oct|november|nov|december|dec)\s++2026\b",
        r"\b(?:app|application|integration|connection)\b[^.\n]{0,30}?\b(?:created|made|registered)\s++(?:after|since)\s++"
        r"(?:the\s++)?(?:2(?:nd)?\s++)?mar(?:ch)?\s++(?:2(?:nd)?\s*+,?\s++)?2026\b",
        r"\b(?:app|application|integration)\b[^.\n]{0,30}?\bcreated\s++(?:in\s++|on\s++|after\s++|since\s++)?"
        r"[^.\n]{0,20}?\b20(?:2[7-9])\b",
        r"\b(?:app|application|integration)\b[^.\n]{0,30}?\bcreated\s++(?:after|since)\s++(?:2\s++)?march\s++"
        r"(?:2\s*+,?\s++)?2026\b",
        r"\b(?:created|made|registered|set\s++up)\s++(?:a\s++|an\s++|the\s++|our\s++|my\s++)?(?:new\s++)?(?:xero\s++)?"
        r"(?:app|application|integration|custom\s++connection)\b[^.\n]{0,40}?\b(?:in|on|after|since)\s++(?:april|apr|may|june|"
        r"jun|july|jul|august|aug|september|sept?|october|oct|november|nov|december|dec)\s++2026\b",
        # a day in March from the 2nd, or an ISO date from 2026-03-02 on
        r"\b(?:app|application|integration)\b[^.\n]{0,30}?\bcreated\s++(?:on\s++)?(?:(?:the\s++)?(?:[2-9]|[12]\d|3[01])"
        r"(?:st|nd|rd|th)?\s++(?:of\s++)?march,?|march\s++(?:[2-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?)\s++2026\b",
        r"\b(?:app|application|integration)\b[^.\n]{0,30}?\bcreated\s++(?:on\s++)?2026-(?:03-(?:0[2-9]|[12]\d|3[01])|"
        r"(?:0[4-9]|1[0-2])-\d\d)\b"),
    # Scopes or permissions said to be missing, lacking or never requested.
    "scope_missing": (
        # a scope said missing in other languages (German, French, Spanish, Portuguese, Italian)
        r"\b(?:fehlende[rns]?|manquante?s?|faltante|falta|ausente|mancante)\s++(?:\w++\s++){0,2}?"
        r"[`'\"]?(?:accounting|payroll|files|assets|projects|finance|bankfeeds)\.[a-z.]{3,60}",
        r"(?:accounting|payroll|files|assets|projects|finance|bankfeeds)\.[a-z.]{3,60}[`'\"]?\s++(?:\w++\s++){0,2}?"
        r"(?:manquante?s?|fehlt|faltante|ausente|mancante)\b",
        r"\b(?:missing|lacking|lacks|lack|not\s++(?:request(?:ed|ing)?|includ(?:ed|ing)|granted))\s++"
        r"(?:the\s++)?(?:required\s++|necessary\s++|right\s++|correct\s++)?(?:scopes?|permissions?)\b",
        r"\b(?:does\s*+n[o']t|do\s++not|did\s++not|didn't)\s++have\s++(?:the\s++)?(?:(?:required|necessary|"
        r"right|correct|needed)\s++)?scopes?\b",
        # a token's permissions are its scopes ("its OAuth token doesn't have permission for")
        r"\btokens?\b[^.\n]{0,20}?\b(?:does\s*+n[o']t|do\s++not|did\s*+n[o']t)\s++have\s++(?:the\s++)?(?:(?:required|"
        r"necessary|right|needed)\s++)?permissions?\b",
        r"\b(?:is\s*+n[o']t|are\s*+n[o']t|was\s*+n[o']t|not|never)\s++(?:been\s++)?granted\s++(?:the\s++)?(?:\w++\s++)?"
        r"scopes?\b",
        r"\b(?:scopes?|permissions?)\s++(?:are|is|were|was)\s++(?:missing|lacking|not\s++(?:requested|"
        r"included|granted))\b",
        r"\bfails?\s++to\s++request\s++(?:the\s++)?(?:scopes?|permissions?)",
        r"\b(?:didn'?t|did\s++not|does\s*+n[o']t|never|forgot\s++to)\s++(?:requests?|asks?\s++for|includes?|add)"
        r"\b[^\n;!?]{0,50}?\b(?:scopes?|perms|permissions)\b",  # (scope names have dots: gaps cross them)
        r"\bnever\s++asks?\s++for\b[^.\n]{0,30}?\b(?:access|perms|permissions?|scopes?)\b",
        r"\b(?:permissions?|scopes?)\b[^.\n]{0,30}?\b(?:we|it|they|the\s++app)\s++(?:do\s*+n[o'\u2019]t|does\s*+n[o'\u2019]t|"
        r"do\s++not|does\s++not|never)\s++(?:currently\s++|yet\s++)?(?:request|ask\s++for|include)\b",
        r"\bscopes\b[^.\n]{0,40}?\b(?:are|is)\s++missing\b",
        r"\btokens?\b[^.\n]{0,20}?\b(?:has\s*+n[o'\u2019]t|has\s++not|was\s*+n[o'\u2019]t)\s++been\s++granted\b",
        r"\b(?:accounting|payroll|files|assets|projects)\.[a-z.]{3,60}[`'\"]?\s++(?:was\s++|is\s++)?not\s++(?:requested|"
        r"included|granted)\b",
        r"\bscopes?\s++(?:for\s++[^.\n]{0,30}?)?missing\b",
        r"\bnot\s++covered\s++by\b[^.\n]{0,30}?\b(?:scopes?|permissions?)\b",
        r"\b(?:oauth|token(?:'s)?)\s++(?:permissions?|scopes?)\s++(?:does\s*+n[o']t|do\s*+n[o']t)\s++(?:allow|"
        r"cover)\b",
        r"\bscopes?\b[^\n;!?]{0,50}?\b(?:was|were|is|are)\s++not\s++(?:requested|included|granted|added)\b",
        # the fix told as adding the scope ("fixed by adding the accounting.settings scope", "had to
        # request accounting.reports.read"): the scope was missing, not merely unconsented
        r"\b(?:fixed|solved|resolved|working|worked)\b[^.\n]{0,30}?\badd(?:ing|ed)?\b[^\n;!?]{0,50}?\bscopes?\b",
        r"\b(?:(?:needed|need|had|have|has)\s++to|must|should)\s++(?:add|request|include)\s++(?:the\s++)?[`'\"]?"
        r"(?:accounting|payroll|files|assets|projects|finance|bankfeeds)\.[a-z.]{3,60}",
        r"\b(?:needs?|requires?)\s++(?:the\s++)?[`'\"]?(?:accounting|payroll|files|assets|projects)\.[a-z.]{3,60}"
        r"[^.\n]{0,40}?\bnot\s++(?:requested|included|added|granted)\b",
        # the fix told as adding a scope to the app's list ("needs adding to the default scopes",
        # "add accounting.settings.read to default scopes"): it was never asked for
        r"\b(?:needs?|needed)\s++(?:adding|to\s++be\s++added)\s++to\s++(?:the\s++)?(?:\w++\s++){0,2}?scopes\b",
        r"\badd\s++[`'\"]?(?:accounting|payroll|files|assets|projects)\.[a-z.]{3,60}[`'\"]?\s++(?:to|in|into)\s++(?:the\s++|our\s++|"
        r"your\s++)?(?:\w++\s++){0,2}?scopes\b",
        r"\bscopes?\s++(?:is\s++|was\s++)?missing\s++from\s++(?:the\s++|its\s++|our\s++)?(?:\w++\s++){0,3}?scopes?\b",
        r"\btokens?\b[^.\n]{0,20}?(?:\bnot|n['\u2019]t)\s++(?:allowed|permitted)\s++to\b"),
    # Words that say a call failed, with no status: enough to treat the call as refused.
    "failed": (r"\bfail(?:s|ed|ing|ure)?\b|\b(?:refused|rejected|denied)\b",
               r"\b(?:does\s*+n[o']t|did\s*+n[o']t|do\s++not|won'?t|can'?t|cannot)\s++work\b|\bnot\s++working\b"),
    # A fix told as "disconnect and reconnect": the steps of a new consent, not the cause.
    "disconnect_reconnect": (
        r"\bdisconnect\w*+\b[^.\n]{0,40}?\b(?:and|then|before)\s++(?:re-?connect|re-?authori[sz]e|re-?add|"
        r"connect\w*+\s++(?:it\s++)?again)",),
    # A scope or API that needs Xero's approval, closed or partner-only APIs, and the restricted
    # ones by name: Finance, payment services, bank feeds, the BankStatement report (§2, §8).
    "restricted": (
        r"\b(?:without|needs?|requires?|requiring|pending|awaiting|apply\s++for)\s++(?:xero'?s?\s++)?approval\b",
        r"\brequest(?:ing)?\s++access\b|\brestricted\s++(?:scope|api)|\bclosed\s++api\b",
        r"\b(?:api\s++)?access\s++(?:request\s++)?form\b",
        r"\b(?:approved|established|financial\s++services)\s++partners?\b",
        r"\bsign(?:ed)?\b[^.\n]{0,30}?\b(?:agreement|addendum)\b[^.\n]{0,20}?\bwith\s++xero\b|"
        r"\b(?:agreement|addendum)\s++with\s++xero\b",
        r"\b(?:unable\s++to|can'?t|cannot|can\s++not)\s++use\s++(?:the\s++)?(?:xero\s++)?[`'\"]?[\w.]{2,60}[`'\"]?\s++"
        r"(?:scope|permission)",
        r"\b(?:scope|permission)\b[^.\n]{0,20}?(?:\bnot|n['\u2019]t)\s++(?:usable|available\s++to\s++(?:us|this\s++(?:client|"
        r"app)))\b",
        r"\buntil\s++xero\s++grants?\s++(?:us\s++)?access\b",
        r"\bxero\b[^.\n]{0,30}?\b(?:ask\w*+\s++(?:them\s++|xero\s++)?for\s++access|(?:grant|give)\s++(?:us\s++|me\s++|"
        r"our\s++app\s++|the\s++app\s++)?access)\b",
        r"\bbank\s*+statements?\s++report|reports/bankstatement\b",
        r"\bfinance\s++api\b|\bpayment\s*+services\b|\bbank\s*+feeds\s++api\b|\b(?:finance|bankfeeds)\.xro\b"),
    # A failure while getting a token (OAuth 1.0a request_token, /connect/token, "failed to get
    # token"): no API call was made, so no scope, tenant or access-token expiry applies.
    "token_endpoint": (
        r"\brequest[_ ]token\b|/connect/token\b|\btoken\s++endpoint\b",
        # OAuth 1.0a's token endpoints (partner and public apps before 2021)
        r"/oauth/(?:access|request)token\b",
        r"\b(?:failed|unable|could\s*+n[o']t|cannot|can't)\s++(?:to\s++)?(?:get|obtain|fetch|retrieve|"
        r"exchange)\b[^.\n]{0,20}?\btokens?\b",
        r"\btoken\s++(?:exchange|request)\s++fail",
        # "when we request a token from Xero, it answers 401": the token call, not an API call
        r"\b(?:request|requesting|requested|ask\s++for|asking\s++for)\s++(?:a|an|the)\s++(?:new\s++)?(?:access\s++)?"
        r"token\s++from\b",
        r"\b(?:fetch|get|obtain)_(?:access_)?token\b"),  # authlib's fetch_token, a get_token route
    # The client's credentials or redirect URI refused (§6 E13): a client secret missing,
    # client authentication failed, a redirect URI mismatch, an OAuth 1.0a consumer key unknown.
    "client_auth": (
        r"\brequires?\s++(?:an?\s++)?client[_ ]?secret\b",
        r"\bclient[_ ]?secret\s++(?:is\s++)?(?:required|missing|empty|undefined|null|not\s++set)\b",
        r"\bclient\s++authentication\s++failed\b",
        r"\bclient[_ ]?(?:id|secret)\b[^.\n]{0,30}?\b(?:must|has\s++to|have\s++to|needs?\s++to|should)\s++"
        r"match\b",
        r"\bclient[_ ]?(?:id|secret)\b[^.\n]{0,30}?(?:\bnot|n['\u2019]t)\s++match\w*+",
        r"\bno\s++client[_ ]?secret\b",
        # a new secret generated at developer.xero.com: the old one, still configured, is refused
        r"\b(?:generated|regenerated|created|rotated|reset)\s++(?:a\s++)?new\s++(?:client\s++)?secret\b",
        r"\b(?:client\s++)?secret\s++(?:was\s++|has\s++been\s++|got\s++)?(?:regenerated|rotated)\b",
        r"\brotat(?:ed|ing)\b[^.\n]{0,30}?\bsecrets?\b",
        r"\bclient[_ ]?secret\b[^.\n]{0,40}?\b(?:must|has\s++to|should|needs?\s++to)\s++be\s++"
        r"(?:identical|the\s++same)\b",
        r"\b(?:client[_ ]?)?secret\b[^.\n]{0,30}?\b(?:match\w*+|(?:be\s++)?the\s++same\s++as)\b"
        r"[^.\n]{0,30}?\b(?:auth\s++)?(?:config\w*+|settings?)\b",
        r"\bredirect[_ ]?ur[il]s?\b[^.\n]{0,30}?\b(?:mismatch|does\s*+n[o']?t\s++match|not\s++match|"
        r"invalid|not\s++registered)|\binvalid\s++redirect[_ ]?ur[il]\b",
        r"\bconsumer[_ ]key[_ ](?:unknown|rejected)\b|\bconsumer\s++key\s++was\s++not\s++recogni[sz]ed",
        # OAuth 1.0a: the request's signature did not verify (wrong consumer secret or key)
        r"\bsignature[_ ]invalid\b"),
    # A scope list joined with commas where Xero wants spaces: in the authorize URL
    # (scope=openid,profile) or a setting's value (SCOPES="openid, profile, ..."); Xero then reads
    # names it does not know.
    "scope_commas": (r"\bscope=(?:[a-z0-9._]++(?:,|%2c)[^\S\n]*+){1,30}[a-z]",
                     r"\bscope=[a-z0-9._]*+%25(?:20|2b)",  # (the spaces encoded twice: %2520)
                     r"[=:][^\S\n]*+[\"']?(?:openid|profile|email|offline_access|accounting\.[a-z.]++)[^\S\n]*+,"
                     r"[^\S\n]*+(?:openid|profile|email|offline_access|accounting\.[a-z.]++)\b"),
    # Scopes called wrong or unknown: a scope refused at sign-in.
    "scope_wrong": (r"\b(?:wrong|incorrect|bad|unsupported|unknown)\s++scopes?\b",),
    # A scope name Xero does not know (misspelt, made up): not a real scope at all.
    "scope_unknown": (r"\b(?:typo|misspel\w*+)\b[^\n;!?]{0,30}?\bscopes?\b|"
                      r"\bscopes?\b[^\n;!?]{0,30}?\b(?:typo|misspel\w*+)",
                      r"\bunknown\s++scopes?\b",
                      # a scope list badly written: Xero wants them space-separated and exact
                      r"\bscopes?\b[^\n;!?]{0,60}?\b(?:space[\s-]separated|commas?|(?:correctly|properly|wrongly|"
                      r"badly)\s++(?:formatted|spelt|spelled)|spelling|formatted\s++(?:wrong\w*+|incorrectly|badly)|"
                      r"separated\s++(?:in\s++a\s++special|differently|by|with))\b",
                      # the list's separators or encoding ("the space-separated scopes collapse",
                      # "+" for the spaces): the scopes arrive as one unknown name
                      r"\b(?:space|comma)[\s-]?(?:separated|delimited)\b[^\n;!?]{0,30}?\bscopes?\b",

                      r"\b(?:collaps\w*+|merg\w*+|run\s++together)\b[^\n;!?]{0,30}?\b(?:single|one)\b[^\n;!?]{0,20}?\bscope\b",
                      r"\bscopes?\b[^\n;!?]{0,60}?(?:\b(?:url[\s-]?)?encod(?:ed|ing)\b|%20|\bplus\s++signs?\b)",
                      r"\bscopes?\b[^\n;!?]{0,60}?\b(?:is|are)\s++(?:not\s++(?:valid|recogni[sz]ed|supported|"
                      r"allowed)|invalid|unknown)\b"),
    # Scopes named while connecting or signing in: the authorize step refuses scopes first.
    "connect_scope": (
        r"\b(?:connect(?:ing)?|authori[sz](?:e|ing)|sign(?:ing)?\s*+in|log(?:ging)?\s*+in|consent(?:ing)?)\b"
        r"[^.\n]{0,60}?\bscopes?\b",
        r"\bscopes?\b[^.\n]{0,60}?\b(?:connect(?:ing)?|authori[sz](?:e|ing)|sign(?:ing)?\s*+in|"
        r"consent(?:ing)?)\b"),
    # A refresh being made: the SDKs' refresh methods (xero-node refreshToken /
    # refreshWithRefreshToken, xero-python refresh_oauth2_token, Xero-NetStandard
    # RefreshAccessTokenAsync, xero-ruby refresh_token_set, league's getAccessToken('refresh_token'))
    # or "refreshing the token" in words: the request went to the token endpoint.
    "refresh_call": (
        r"\b(?:refreshToken|refreshWithRefreshToken|refresh_oauth2_token|refresh_access_token|"
        r"RefreshAccessToken(?:Async)?|refresh_token_set|refreshAccessToken)\b",
        r"getAccessToken\(\s*+['\"]refresh_token",
        r"\b(?:when|while|on|after)\s++(?:trying\s++to\s++|attempting\s++to\s++)?refresh(?:ing)?\s++(?:the\s++|"
        r"my\s++|our\s++|an?\s++)?(?:access\s++)?tokens?\b"),
    # Signing in or connecting to Xero (the authorize step), in words.
    "signing_in": (
        r"\b(?:connect(?:ing)?\s++(?:to\s++|with\s++)?xero|(?:log|sign)(?:ging)?\s*+(?:in|into)\b|"
        r"authori[sz](?:e|ing)\s++(?:the\s++)?(?:app|connection|xero)|consent\s++(?:screen|page))",
        r"\bconnect\s++to\s++xero\s++button\b|\bsorry,\s++something\s++went\s++wrong\b",
        # an OAuth flow run by a tool (Google's OAuth 2.0 Playground, Postman's "Get New Access Token")
        r"\boauth\s*+(?:2(?:\.0)?\s++)?(?:playground|flow|consent|login|sign[\s-]?in)\b"),
    # A failure from the very first call, on every call: a scope is missing from the start, while
    # an access token only ages out after 30 minutes.
    "from_start": (
        r"\b(?:every|each)\s++(?:single\s++)?(?:call|request|time)\b|\balways\s++(?:returns?|gets?|fails?|"
        r"throws?|gives?)\b|\bfrom\s++the\s++(?:start|first\s++call|beginning)\b|\bnever\s++works?\b",),
    # The writer says the token is right, or works for other calls: not an expired token.
    "token_ok": (
        r"\b(?:access\s*+)?token\b[^.\n]{0,30}?\b(?:is|are)\s++(?:right|correct|valid|fine|ok|working)\b",
        r"\bworks?\s++(?:fine\s++)?(?:for|with|on)\s++other\b"),
    # Scopes or permissions added to what the app asks for: a token issued before keeps the old
    # ones until the user consents again (§9 #3).
    "scope_added": (
        # (scope names have dots: the gap may cross them)
        # ("a new app", "the new granular scopes", "more scopes than I need" add nothing; the gap
        # stays in its sentence: a dot only inside a scope's name)
        r"\b(?:add(?:ed|s|ing)?|new(?!\s++(?:granular|app\w*+|integration|project|client|account|company|"
        r"org\w*+|user|developer|xero|token)\b)|additional|extra|more(?![^.\n]{0,30}?\bthan\b)|update[ds]?|"
        r"chang(?:e[ds]?|ing)|bump(?:ed|s)?|extend(?:ed|s)?|expand(?:ed|s|ing)?|broaden\w*+|"
        r"widen\w*+)\b(?:[^\n;!?.]|\.(?=\S)){0,50}?\b(?:scopes?|"
        r"permissions?)\b",
        r"\b(?:scopes?|permissions?)\b[^.\n]{0,30}?\b(?:added|changed|updated|increased|expanded)\b"),
    # The scope list changed, said as done ("we added accounting.budgets.read to XERO_SCOPES", "I put
    # it in the scope list", "bumped SCOPES to include"): the app asks for it now.
    "scope_added_done": (
        r"\b(?:added|did\s++add|put|bumped|included|appended|extended|updated|changed)\b[^\n;!?]{0,60}?(?:\b|_)(?:scopes?|scope\s++"
        r"(?:list|string))\b",
        r"(?:\b|_)(?:scopes?|scope\s++list)\b[^.\n]{0,20}?\bnow\s++(?:also\s++)?(?:has|have|includes?|contains?)\b"),
    # A new consent needed for changed scopes: tokens keep the scopes they were issued with (§9 #3).
    "reconsent_needed": (
        r"\b(?:permissions?|scopes?)\b[^.\n]{0,30}?\b(?:granted|given|approved|consented)\s++(?:to\s++)?again\b",
        r"\bre-?grant\w*+\s++(?:the\s++|its\s++|their\s++)?(?:permissions?|scopes?|access|consent)\b",
        r"\b(?:grant|give|approve)\w*+\s++(?:the\s++|its\s++|their\s++)?(?:permissions?|scopes?|access|consent)\s++"
        r"(?:again|one\s++more\s++time|once\s++more)\b",
        r"\bupdate\s++(?:the\s++|its\s++|your\s++)?connection(?:'s)?\s++(?:perms|permissions|scopes)\b",
        r"\b(?:previous|old|earlier|original)\s++(?:permission|scope)\s++set\b",
        r"\bauthori[sz]ed\s++before\s++(?:the\s++)?(?:scope|permission)\s++change",
        # connections made before a release work differently from those made after it
        r"\b(?:connected|authori[sz]ed|consented)\b[^.\n]{0,20}?\b(?:before|after)\s++(?:our|the|this|that|version)\s++"
        r"(?:[\w.]{1,12}\s++)?(?:release|update|upgrade|deploy\w*+|version)\b",
        r"\b(?:authori[sz]ed|connected|consented)\s++before\b[^\n;!?]{0,60}?\b(?:was|were|got|had\s++been)\s++added\b",
        r"\bscopes?\b[^.\n]{0,40}?\brequires?\s++(?:a\s++)?(?:re-?authenticat\w*+|re-?authori[sz]\w*+|"
        r"re-?consent\w*+|reconnect\w*+|new\s++consent)",
        r"\b(?:existing|old|current|previous|earlier)\s++(?:access\s++)?tokens?\b[^.\n]{0,40}?\b(?:not|never)\b"
        r"[^.\n]{0,20}?\b(?:granted|given|gets?|receives?|gains?|includes?)\s++(?:the\s++)?(?:additional|new|extra|"
        r"added)\b",
        # "existing connections keep their old scopes (until the user reconnects)" (§9 #3)
        r"\b(?:existing|old|current|previous|earlier)\s++(?:connections?|tokens?|consents?|grants?|authori[sz]ations?)"
        r"\b[^.\n]{0,30}?\b(?:keep|keeps|kept|retain\w*+|hold|holds|stay\s++with|(?:hang|hangs|hold|holds)\s++on\s++to|"
        r"stick\s++with|sticks\s++with|still\s++(?:have|has|carry|carries))\s++(?:their\s++|the\s++|its\s++)?"
        r"(?:old|original|previous|existing|earlier|initial)\s++(?:scopes?|perms|permissions?)\b",
        r"\btokens?\b[^.\n]{0,30}?\b(?:do\s*+n[o']t|does\s*+n[o']t|never|won't|cannot|can't)\s++(?:gain|get|"
        r"receive|pick\s++up|acquire)\s++(?:new\s++|additional\s++|extra\s++)?scopes?\b"),
    # The connection said to lack permissions: its consent holds fewer scopes than are needed.
    "connection_lacks": (
        r"\bconnection\b[^.\n]{0,20}?\b(?:does\s*+n[o']t|do\s++not|did\s*+n[o']t)\s++have\s++(?:the\s++)?"
        r"(?:(?:required|necessary|needed|right|correct|sufficient|enough)\s++)?(?:permissions?|scopes?)\b",
        r"\bconnection\b[^.\n]{0,20}?\b(?:is\s++)?(?:missing|lacks?|does\s*+n[o']t\s++hold)\s++(?:the\s++)?(?:(?:required|"
        r"necessary|needed)\s++)?(?:permissions?|scopes?)\b",
        r"\bpermissions?\s++on\s++(?:your|the|our)\s++(?:xero\s++)?connection\s++(?:are\s*+n[o'\u2019]t|are\s++not)\s++"
        r"(?:sufficient|enough)\b"),
    # The same token (and tenant) works for other calls: what differs is the endpoint, so its
    # scope (or, for reports and payroll, the user's role), not the token or the connection.
    "other_calls_work": (
        r"\bother\s++(?:calls?|endpoints?|requests?|apis?|methods?|queries)\b[^.\n]{0,30}?\b(?:work|succeed|"
        r"are\s++fine|return)",
        r"\b(?:calls?|requests?)\s++before\s++and\s++after\b|\b(?:right\s++)?before\s*+/\s*+after\b|"
        r"\bprevious\s++and\s++next\s++calls\b",
        r"\b(?:same|exact)\s++(?:access\s*+)?token\b[^.\n]{0,60}?\b(?:works?|working|other|before|after|fine|"
        r"succeed\w*+)\b",
        r"\b(?:works?|working|fine)\s++(?:fine\s++)?(?:with|using)\s++the\s++same\s++(?:access\s*+)?token\b",
        r"\b(?:works?|working)\s++(?:fine\s++)?(?:for|with)\s++(?:invoices|contacts|accounts|other|"
        r"everything\s++else)\b"),
    # Xero-Java's fixed text for every 401: it names scopes but says nothing about them.
    "generic_unauthorized": (
        r"\bunauthorized\s++-\s++check\s++your\s++scopes\s++and\s++confirm\s++access\b",),
    # A product not enabled on, or not in, the organisation's plan (§8).
    "not_in_plan": (
        r"\b(?:payroll|projects|expenses)\b[^.\n]{0,20}?\bnot\s++(?:enabled|available|included|activated|"
        r"subscribed)\b",
        # the plan said to lack the product: "Expenses is not on this org plan", "the Ignite plan, which
        # has no Projects"
        r"\b(?:payroll|projects|expenses)\b[^.\n]{0,20}?\bnot\s++(?:on|in|part\s++of)\s++(?:this|the|our|their|its)"
        r"\s++(?:\w++\s++)?(?:plan|subscription)\b",
        r"\b(?:plan|subscription)\b[^.\n]{0,30}?\b(?:has|have|includes?|comes\s++with)\s++no\s++(?:xero\s++)?"
        r"(?:payroll|projects|expenses)\b",
        r"\bsubscription\s++does\s*+n[o']?t\s++include\b",
        # a product never turned on in the organisation ("has never activated payroll in Xero"; the
        # menu only offers "Set up payroll")
        r"\bnever\s++(?:activated|set\s*+up|enabled|turned\s++on|switched\s++on)\s++(?:xero\s++)?(?:payroll|projects|"
        r"expenses)\b",
        r"\bonly\s++(?:shows?|has|offers?)\s++(?:a\s++)?[\"'\u201c]?set\s*+up\s++(?:payroll|projects)\b",
        r"\bnever\s++paid\s++for\s++(?:the\s++)?(?:xero\s++)?(?:payroll|projects|expenses)\b",
        r"\b(?:nobody|no\s++one)\s++has\s++(?:turned\s++on|set\s*+up|activated|enabled)\b[^.\n]{0,20}?\b(?:payroll|projects|"
        r"expenses)\b",
        # a plan said to lack the product ("these packages don't incorporate invoicing")
        r"\b(?:plans?|packages?|subscriptions?|editions?)\b[^.\n]{0,20}?(?:\bnot|n['\u2019]t)\s++(?:include|incorporate|"
        r"have|support|offer|come\s++with|allow)\s++(?:the\s++|any\s++)?(?:invoic\w*+|payroll|projects|expenses|"
        r"multi[\s-]?currenc\w*+|bills|quotes|purchase\s++orders|api\s++(?:access|connections?))\b",
        r"\b(?:payroll|projects|expenses)\b[^.\n]{0,20}?\b(?:isn'?t|is\s++not|wasn'?t|hasn'?t\s++been|has\s++not\s++been)"
        r"\s++(?:set\s*+up|enabled|activated|turned\s++on|switched\s++on)\b",
        r"\b(?:had|needs?|needed|must|have)\s++to\s++(?:subscribe\s++to|enable|turn\s++on|activate)\s++(?:xero\s++)?"
        r"(?:payroll|projects|expenses)\b(?![^.!\n?]{0,80}+\?)",  # (in a question, it is asked, not said)
        r"\b(?:payroll|projects|expenses)\b[^.\n]{0,30}?\bnot\s++(?:been\s++)?(?:set\s*+up|subscribed\s++to|"
        r"turned\s++on|switched\s++on)\b",
        r"\bnot\s++subscribed\s++to\s++(?:xero\s++)?(?:payroll|projects|expenses)\b",
        r"\b(?:does\s*+n[o']?t|do\s++not)\s++have\s++(?:xero\s++)?(?:payroll|projects|expenses)\b"
        r"(?!\s++(?:permissions?|access|rights?|roles?|admin\w*+))",
        r"\bupgrade\s++(?:your|the)\s++(?:xero\s++)?(?:plan|subscription)\b",
        # "the organization lacks a product that a table needs, such as Xero Projects"
        r"\b(?:lacks?|lacking|without|missing)\s++(?:a|the)\s++(?:xero\s++)?product\b",
        r"\bsubscribe\s++to\s++(?:xero\s++)?(?:payroll|projects|expenses)\b",
        r"\b(?:payroll|projects|expenses)\s++(?:has|have|needs?|must)\s++(?:to\s++)?be\s++(?:switched\s++on|turned\s++on|"
        r"enabled|activated)\b",
        r"\b(?:unless|until)\s++(?:xero\s++)?(?:payroll|projects|expenses)\s++(?:is|are|has\s++been|gets)\s++(?:enabled|"
        r"activated|turned\s++on|switched\s++on|set\s*+up)\b",
        # a currency the organisation has not added (multi-currency is a plan feature): Xero's
        # "Currency Not Subscribed"
        r"\bcurrenc(?:y|ies)\b[^.\n]{0,30}?(?:\bnot|n['\u2019]t)\s++(?:subscribed|enabled|set\s*+up)\b",
        r"\bnot\s++subscribed\s++to\s++(?:the\s++)?currenc(?:y|ies)\b",
        # the product's set-up in Xero not finished ("must have concluded the payroll setup steps")
        r"\b(?:payroll|projects|expenses)\s++set[\s-]?up\b[^.\n]{0,30}?\b(?:steps?|complet\w*+|conclud\w*+|finish\w*+)",
        r"\b(?:complet\w*+|conclud\w*+|finish\w*+)\s++(?:the\s++)?(?:payroll|projects)\s++(?:set[\s-]?up|"
        r"onboarding)\b|\b(?:complet\w*+|conclud\w*+|finish\w*+)\s++setting\s++up\s++(?:payroll|projects)\b",
        r"\b(?:have|has|with|needs?|requires?)\s++(?:xero\s++)?(?:payroll|projects|expenses)\s++(?:turned\s++on|"
        r"switched\s++on|enabled|activated|set\s*+up)\b",
        # multi-currency is a feature of the larger plans (Xero's pricing)
        r"\bmulti[\s-]?currenc(?:y|ies)\b[^.\n]{0,40}?\b(?:not\s++(?:included|available|enabled|subscribed)|"
        r"plans?|subscriptions?)\b",
        r"\b(?:plans?|subscriptions?)\b[^.\n]{0,40}?\bmulti[\s-]?currenc(?:y|ies)\b"),
    # The refresh token itself said to be absent (not a refresh that fails): offline_access was not
    # asked for at sign-in (§4)
    "refresh_token_absent": (
        r"\bkeyerror:\s*+['\"]refresh_token['\"]",
        _RT + _GAP + r"\b(?:null|none|nil|empty|undefined|missing|not\s++(?:returned|issued|provided|"
        r"present))\b",
        r"\bno\s++" + _RT,
        r"\b(?:without|missing|no|lacks?|lacking|forgot)\s++(?:the\s++)?[`'\"]?offline_access"),
    # The token's list of organisations empty where code takes the first ("xero.tenants[0].tenantId"
    # -> "Cannot read properties of undefined (reading 'tenantId')", Python's IndexError)
    "no_tenants": (
        r"\bcannot\s{1,3}read\s{1,3}propert(?:y|ies)\s{1,3}of\s{1,3}undefined\s{1,3}\(reading\s{1,3}'tenant_?id'\)",
        r"\bundefined\s{1,3}is\s{1,3}not\s{1,3}an\s{1,3}object\s{1,3}\(evaluating\s{1,3}'[\w.$]{0,60}tenants\[0\]",
        # pyxero's set_default_tenant() when GET /connections lists none
        r"\bnot\s++authori[sz]ed\s++to\s++access\s++any\s++Xero\s++Organi[sz]ations?\b"),
    # Xero's webhook calls to the app's endpoint, checked by their HMAC signature (§1 #3): no token,
    # no scope (gateway.py)
    "webhook_signature": (r"\bintent\s++to\s++receive\b", r"\bx-xero-signature\b",
                          r"\bwebhook\w*+\b[^.\n]{0,60}?\b(?:signature|hmac|signed)\b"),
    # The browser's CORS refusal (gateway.py): anywhere in a paste, also after a "Copy as fetch" block
    "cors_blocked": (r"\bblocked\s++by\s++CORS\s++policy\b",
                     r"\bAccess-Control-Allow-Origin\b[^\n]{0,80}?\b(?:missing|not\s++present)",
                     r"\bCORS\s++(?:error|request\s++did\s++not\s++succeed)"),
    # Xero's Demo Company: it is reset now and then, and a reset drops its connections (§8)
    "demo_company": (r"\bdemo\s++(?:company|org\w*+)\b",),
    # The Journals scope named as what a call needs ("the connector requires accounting.journals.read"),
    # or as what the token holds ("I added accounting.journals.read and reconnected"): only the
    # latter says the token holds it.
    "journals_needed": (
        r"\b(?:requires?|required|requiring|needs?|needed|missing|without|lacks?|lacking)\s++(?:the\s++|an?\s++)?"
        r"[`'\"]?accounting\.journals\.read",),
    "journals_held": (
        r"\b(?:added|adding|have|has|had|granted|includ\w*+|holds?|got|requested|asked\s++for|consented)\b"
        r"[^.\n]{0,40}?accounting\.journals\.read",
        r"accounting\.journals\.read\b[^.\n]{0,30}?\b(?:is|was|are|were)\s++(?:granted|included|present|there|held|"
        r"in\s++(?:the|my|our)\s++scopes?)\b"),
}


_ESCAPE_OR_UPPER = re.compile(r"(\\.)|[A-Z]")


def _lowered(pattern: str) -> str:
    """A pattern for lower-cased text: its letters lowered, its escapes (``\\S``, ``\\W``) kept."""
    return _ESCAPE_OR_UPPER.sub(lambda m: m.group(1) or m.group(0).lower(), pattern)


# Matched against the lower-cased text, case-sensitively: the same matches as IGNORECASE over
# the text, at about half the time (bench_paste): ~90 patterns scan every paste.
_CUE_RES = {name: re.compile(_lowered("|".join(alts))) for name, alts in CUES.items()}


def _needed_word(pattern: str) -> str:
    """The longest run of plain characters every match of ``pattern`` holds ("" when none is sure):
    a text without it cannot match, which ``in`` tells far faster than the regex can (prefilter)."""
    from re import _parser as sre_parse  # type: ignore[attr-defined]  # re's own parser

    best = run = ""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return ""
    items = list(parsed)
    if len(items) == 1 and items[0][0] is sre_parse.BRANCH:  # "a|b" as a whole: no one word is sure
        return ""
    for op, arg in items:  # (a group's alternation inside the sequence is one item: it breaks a run)
        if op is sre_parse.LITERAL:
            run += chr(arg)
            best = max(best, run, key=len)
        else:
            run = ""
    return best if len(best) >= 3 else ""


# Each cue's alternatives apart, each with the word it cannot match without (cue_markers checks
# the word first: most alternatives are ruled out by one substring search).
_CUE_PARTS = {name: tuple((_needed_word(_lowered(a)), re.compile(_lowered(a))) for a in alts)
              for name, alts in CUES.items()}
# Payroll countries as people write them: the codes in capitals, the names in any case.
# A code in lower case counts only next to a word that makes it a country ("an au demo company",
# "the nz-only call"): "au" and "uk" are too common as parts of other words and names otherwise.
COUNTRY_WORDS = re.compile(r"\b(AU|NZ|UK|GB|(?i:australian?|new\s++zealand|british|united\s++kingdom)|"
                           r"(?i:au|nz|uk)(?=[\s-]++(?i:only|orgs?|organi[sz]ations?|demo|company|payroll|"
                           r"calls?|api|region|tenants?|customers?|employees?|entity|entities|based)\b))\b")
_COUNTRY = {"au": "AU", "australia": "AU", "australian": "AU", "nz": "NZ", "newzealand": "NZ",
            "uk": "UK", "gb": "UK", "british": "UK", "unitedkingdom": "UK"}
PAYROLL_WORDS = re.compile(r"\b(?:payroll|employees?|payslips?|timesheets?|payruns?|405s?)\b", re.IGNORECASE)
# A scope as written in a text: a dotted name of a scope family, or the few undotted ones.
SCOPE_NAME = re.compile(r"(?<![\w.])((?:accounting|payroll|files|assets|projects|finance|bankfeeds|"
                        r"paymentservices|practicemanager|workflowmax|einvoicing|marketplace|app)"
                        r"(?:\.[a-z0-9]{2,40}){1,5}|offline_access|paymentservices|bankfeeds)(?!\w|\.\w)",
                        re.IGNORECASE)
MAX_SCOPES_NAMED = 30
# A dotted name ending in a file extension is a file in a stack trace (app.py, accounting.js), not
# a scope: no scope's last part is one of these.
FILE_EXTENSIONS = frozenset({"py", "pyc", "js", "mjs", "cjs", "ts", "tsx", "jsx", "php", "rb", "cs",
                             "java", "kt", "go", "json", "html", "log", "txt", "yml", "yaml", "md",
                             "xml", "csv", "config", "dll", "exe", "class", "jar", "sh", "vue", "erb"})


def countries(text: str) -> set[str]:
    """The payroll countries a text names (AU, NZ, UK)."""
    return {_COUNTRY["".join(m.group(1).lower().split())] for m in COUNTRY_WORDS.finditer(text)}


# A dotted name ending in a top-level domain, or written in an address (after "//" or "@", before
# "@"), is a host or an e-mail address: app.example.com, finance.team@acme.com.
HOST_ENDINGS = frozenset({"com", "net", "org", "io", "co", "uk", "au", "nz", "us", "ca", "dev", "ai",
                          "app", "gov", "edu", "info", "biz", "me", "cloud", "tech", "xyz", "local"})


def scope_names(text: str) -> frozenset[str]:
    """Scope names a text mentions (``accounting.transactions``, ``paymentservices``), lower-cased."""
    found: set[str] = set()
    for m in SCOPE_NAME.finditer(text):
        name = m.group(1).lower()
        if m.group(1) not in (name, m.group(1).upper()):
            continue  # Mixed case is a class or namespace (Files.ReadAllText), not a scope
        before, after = text[max(0, m.start() - 1):m.start()], text[m.end():m.end() + 1]
        if before in ("/", "@") or after == "@" or name.rsplit(".", 1)[-1] in HOST_ENDINGS:
            continue  # a host or an e-mail address
        # an API's base path (payroll.xro/1.0) or a file (app.py) is not a scope
        if ".xro" not in name and name.rsplit(".", 1)[-1] not in FILE_EXTENSIONS:
            found.add(name)
        if len(found) >= MAX_SCOPES_NAMED:
            break
    # a quoted scope list ('scope "openid profile workflowmax"'): its every word is a scope named,
    # a bare one too ("workflowmax", which the pattern above needs a dot to see)
    for m in _SCOPE_LIST.finditer(text[:100_000]):
        words = m.group(1).lower().split()
        if any("." in w or w in _OIDC for w in words) and len(found) + len(words) <= MAX_SCOPES_NAMED:
            found.update(w for w in words if _BARE_SCOPE.fullmatch(w))
    return frozenset(found)


_SCOPE_LIST = re.compile(r"\bscopes?\b[^\S\n]{0,3}(?:[:=][^\S\n]{0,3})?[\"'`]"
                         r"([A-Za-z][A-Za-z0-9_. ]{2,600})[\"'`]")
_BARE_SCOPE = re.compile(r"[a-z][a-z0-9_.]{1,60}")
_OIDC = frozenset({"openid", "profile", "email", "offline_access"})


# A cause the writer rules out ("it's NOT a rate limit", "and not the token being expired", "it
# isn't the tenant id"): the words after the denial, up to the clause's end, are no evidence.
# Only a denied thing ("not a/the ..."): "a currency that is not enabled" states a cause.
_DENIAL = re.compile(
    r"(?:\b(?:(?:it|this|that)(?:'s|\u2019s|\s++(?:is|was))\s++(?:not|never)|(?:it|this|that)\s++(?:isn't|wasn't|"
    r"isn\u2019t|wasn\u2019t)|(?:and|or|but)\s++not)\s++(?:a|an|the|my|our|your|their)\b"
    # "it's not a valid refresh token" says what is wrong: a defect, not a cause ruled out
    r"(?!\s++(?:valid|known|recogni[sz]ed|supported|registered|correct|proper|right|real|working|current|"
    r"usable|live)\b)|"
    r"\bnot\s++(?:due\s++to|because\s++of|caused\s++by)\b|\bruled?\s++out\b)[^.,;:!?()\n]{1,80}",
    re.IGNORECASE)


# What a denial must name to be one of a cause: "it's not an Australian organisation" states a
# fact (Xero's own payroll wording), "it's not the token" rules a cause out.
_CAUSE_NOUN = re.compile(r"\b(?:rate|limit|throttl\w*+|quota|tokens?|expir\w*+|scopes?|tenant|header|"
                         r"permissions?|roles?|consent|refresh\w*+|secret|client\s++id|credentials?)\b",
                         re.IGNORECASE)


def _denied(m: re.Match[str]) -> str:
    return " " if _CAUSE_NOUN.search(m.group(0)) else m.group(0)


# A state said not to hold: "the token is definitely not expired", "isn't revoked".
_DENIED_STATE = re.compile(
    r"\b(?:(?:is|are|was|were)\s++(?:definitely\s++|certainly\s++|surely\s++|still\s++|also\s++)?not|"
    r"isn't|aren't|wasn't|weren't|isn\u2019t|wasn\u2019t)\s++(?:yet\s++)?(?:expired|revoked|disconnected|"
    r"rate[\s-]?limited|throttled)\b", re.IGNORECASE)


def denied(text: str) -> frozenset[str]:
    """What the writer's denials say outright: ``token_ok`` for "the token is not expired"."""
    said = {m.group(0).lower() for m in _DENIED_STATE.finditer(text[:20_000])} if "n" in text else set()
    return frozenset({"token_ok"}) if any("expired" in d for d in said) else frozenset()


def without_denials(text: str) -> str:
    """``text`` with the causes its writer rules out blanked (``_DENIAL``, ``_DENIED_STATE``); all
    else kept."""
    if "n" not in text:
        return text
    return _DENIED_STATE.sub(" ", _DENIAL.sub(_denied, text))


DISTINCT_FROM = 20_000  # a text longer than this is searched once per distinct line


def _distinct_lines(text: str) -> str:
    """Each line once, in order: a long log repeats its lines, and a cue is found in its first."""
    if len(text) <= DISTINCT_FROM:
        return text
    return "\n".join(dict.fromkeys(text.split("\n")))


def cue_markers(text: str) -> frozenset[str]:
    """The cues found in ``text``, plus ``region_pair`` when two payroll countries are set apart."""
    text = _distinct_lines(text)  # ~90 patterns: each would scan every repeat of every line
    low = text.lower()
    found = {name for name, parts in _CUE_PARTS.items()
             if any((not word or word in low) and rx.search(low) for word, rx in parts)}
    named = countries(text)
    if (len(named) >= 2 and PAYROLL_WORDS.search(text)) or (named and "region_only" in found):
        found.add("region_pair")
    return frozenset(found)
