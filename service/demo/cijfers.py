"""The figures the demo region is shaped after: the Drenthe annual report 2023 (DOMAIN.md, "Demo region facts")
and, where Drenthe publishes none, a plausible choice that says so.

Invariants:
- Data only (no code): the generators (`regio`, `overleggen`, `adviezen`) read these; changing a figure changes
  the region of every seed.
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

# Referrals in 2023 per partner (type), the weights for choosing an aanmelder. "gemeente-*" means the casus's own
# municipality.
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
# Share of hoofdpersonen with a signal per problem flag.
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
