"""The figures the demo region is shaped after: the Drenthe annual report 2023 (DOMAIN.md, "Demo region facts")
and, where Drenthe publishes none, a plausible choice that says so.

Invariants:
- Data only (no code): the generators (`regio`, `verslagjaar`, `overleggen`, `adviezen`) read these; changing a
  figure changes the region of every seed.
- Ids are those of the convenant files (`convenants/`); "gemeente-*" stands for the partner of the gemeente in
  question.
"""

# Active procesregie casussen per municipality at the end of 2023 (129 in all).
PROCESREGIE_PER_GEMEENTE = {
    "aa-en-hunze": 9,
    "assen": 26,
    "borger-odoorn": 9,
    "coevorden": 11,
    "emmen": 38,
    "hoogeveen": 13,
    "meppel": 8,
    "midden-drenthe": 4,
    "noordenveld": 1,
    "tynaarlo": 8,
    "westerveld": 0,
    "de-wolden": 2,
}
ADVIES, AFGESLOTEN, WERKVOORRAAD, AFGEWEZEN, CTER = 60, 54, 8, 4, 5

# Referrals in 2023 per partner (type): the weights for choosing an aanmelder, and the exact counts of the 2023 year
# (`verslagjaar`). "gemeente-*" means the casus's own municipality. DOMAIN's names mapped to the convenant's partners:
# "andere zorg- en veiligheidshuizen (11)" split over its two partners of type andere-zvh (Groningen 6, Fryslân
# 5: our split); "sociale teams (2)" is sociale-teams-drenthe (Stichting De Toegang, also of type sociaal-team, is
# listed on its own with 0); "gemeente – veiligheid (32)" and "– sociaal domein (6)" are the gemeenten's own
# partners; "VNN – reclassering/SVG" is vnn-reclassering. Partners with 0 are left out. 128 in all.
AANMELDERS = {
    "gemeente-*-veiligheid": 32,
    "politie-noord-nederland": 30,
    "zvh-groningen": 6,
    "zvh-fryslan": 5,
    "ggd-drenthe": 10,
    "reclassering-nederland": 8,
    "veilig-thuis-drenthe": 8,
    "gemeente-*-sociaal-domein": 6,
    "ggz-drenthe": 6,
    "vnn-reclassering": 5,
    "cosis": 2,
    "jb-noord-jeugdbescherming": 2,
    "openbaar-ministerie-noord-nederland": 2,
    "sociale-teams-drenthe": 2,
    "leger-des-heils-welzijn": 1,
    "leger-des-heils-reclassering": 1,
    "mee-drenthe": 1,
    "raad-voor-de-kinderbescherming": 1,
}

# --- The calendar year 2023 (`verslagjaar`): its report gives DOMAIN's Drenthe 2023 figures exactly --------------
JAAR_2023 = 2023
# Of the 128 referrals of 2023 (AANMELDERS), the triage took 65 into procesregie and gave 63 an uitgebreid advies.
PROCESREGIE_2023, ADVIES_2023 = 65, 63
# In procesregie during 2023: PROCESREGIE_PER_GEMEENTE (129) still on 31 December, AFGESLOTEN (54) closed in the
# year. Our choice: 13 of the 65 new ones were closed within the year (so 41 of those referred in 2021-2022 were,
# and 77 of those are still active on 31 December).
NIEUW_AFGESLOTEN_2023 = 13
# Stalking, only ever as hoofdonderwerp (so the tables thema and hoofdonderwerp agree): 14 referrals in 2023 and
# 23 casussen in procesregie during the year. Our choice: 8 of the 14 went to procesregie (15 were referred before).
STALKING_AANMELDINGEN_2023, STALKING_ACTIEF_2023, STALKING_PROCESREGIE_2023 = 14, 23, 8
# Age of the hoofdpersoon on 31 December 2023 per band of LEEFTIJDEN (t/m 17, 18-23, 24-40, 41-65, ouder dan 65).
# DOMAIN's 21/12/102/49/2 sum to 186: neither the 129 active on 31 December nor the 183 (129 + 54) in procesregie
# during the year. The report's column is "Actief op 31 december": the 129 get DOMAIN's shares (largest remainder);
# the 54 closed in the year get the rest of DOMAIN's bands less three, so the 183 are 21/12/100/48/2.
LEEFTIJDEN_2023_ACTIEF = (15, 8, 71, 34, 1)
LEEFTIJDEN_2023_AFGESLOTEN = (6, 4, 29, 14, 1)
# The uitkomst of an afsluiting of the 2023 year (weights; our choice). No overgedragen: the demo's register has no
# doel overdracht before 1 March 2025, so the afsluiting would have refused one then.
UITKOMSTEN_2023 = {
    "doel-gerealiseerd": 45,
    "doel-deels-gerealiseerd": 25,
    "doel-niet-gerealiseerd": 15,
    "verhuisd": 6,
    "overleden": 2,
    "anders": 7,
}

# Hoofdonderwerpen (ids of the convenant's onderwerpen) and their weights.
ONDERWERPEN = {
    "verward-gedrag": 30,
    "ernstige-overlast": 20,
    "huiselijk-geweld": 15,
    "stalking": 11,
    "burenruzie": 8,
    "mensenhandel": 3,
    "zeden": 3,
    "overige-veiligheid-omgeving": 10,
}
# Age of the hoofdpersoon of active casussen: (lowest, highest, count).
LEEFTIJDEN = ((14, 17, 21), (18, 23, 12), (24, 40, 102), (41, 65, 49), (66, 80, 2))
# Share of hoofdpersonen with a signal per problem flag, and of casussen reaching beyond their gemeente (in the
# 2023 year exact, rounded, per group of casussen: see `verslagjaar`).
PSYCHISCH, VERSLAVING, LVB, GRENSOVERSCHRIJDEND = 0.82, 0.58, 0.43, 0.46

# Nevenonderwerpen: the share of regular casussen that has any, how many (weights for 1, 2, 3) and which (weights).
NEVEN_AANDEEL = 0.35
NEVEN_AANTAL = (6, 3, 1)
NEVENONDERWERPEN = {
    "verward-gedrag": 6,
    "ernstige-overlast": 6,
    "huiselijk-geweld": 5,
    "burenruzie": 3,
    "jeugd": 4,
    "high-impact-crime": 3,
    "nazorg-ex-gedetineerden": 4,
    "bestuurlijke-informatie-justitiabelen": 1,
    "stalking": 2,
    "zeden": 1,
    "mensenhandel": 1,
    "overige-veiligheid-omgeving": 2,
}

# Adviezen in a year (docs/advies.md). Drenthe 2023: 182 uitgebreide adviezen, 119 of them anonymous (the others
# name a casus in fase advies: one per such casus of the region, ADVIES above), about 200 informatieknooppunt
# questions. Drenthe publishes no count of korte adviezen; Fryslân registers 344 in a region with more
# inhabitants, so the demo takes 180.
KORTE_ADVIEZEN, ANONIEME_UITGEBREIDE_ADVIEZEN, INFORMATIEKNOOPPUNT = 180, 119, 200
# What adviezen are about: the casussen's onderwerpen plus those that bring more questions than casussen.
ADVIESONDERWERPEN = {
    **ONDERWERPEN,
    "jeugd": 5,
    "high-impact-crime": 4,
    "nazorg-ex-gedetineerden": 4,
    "bestuurlijke-informatie-justitiabelen": 4,
    "radicalisering": 2,
}
