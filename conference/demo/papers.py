"""The demo conference's submitters and submissions, as data: titles, abstracts, keywords,
co-authors from member agencies, observer organisations and universities, answers and states.
:mod:`.demo_cfp` turns them into submissions through the domain functions."""

from __future__ import annotations

from dataclasses import dataclass

from conference.cfp.enums import SubmissionState

# Accounts of the demo's submitters, in demo.DEMO_USERS' form (email, name, affiliation, country,
# time zone, site admin, may create events). The demo author (author@example.org) is one more.
DEMO_AUTHORS = [
    ("ngozi.okafor@example.net", "Ngozi Okafor", "Member Agency for Statistics", "NG", "Africa/Lagos", False, False),
    ("lars.eriksen@example.net", "Lars Eriksen", "University of Oslo", "NO", "Europe/Oslo", False, False),
    ("maria.fuentes@example.net", "María José Fuentes", "Universidad de Chile", "CL", "America/Santiago", False, False),
    ("hiroshi.tanaka@example.net", "Hiroshi Tanaka", "Member Agency for Health", "JP", "Asia/Tokyo", False, False),
    ("fatima.benali@example.net", "Fatima Zahra Benali", "Observer Institute for Data", "MA", "Africa/Casablanca",
     False, False),
    ("tomas.novak@example.net", "Tomáš Novák", "Member Agency for Migration", "CZ", "Europe/Prague", False, False),
    ("aisha.rahman@example.net", "Aisha Rahman", "Observer Network for Humanitarian Data", "BD", "Asia/Dhaka",
     False, False),
    ("daniel.mwangi@example.net", "Daniel Mwangi", "University of Nairobi", "KE", "Africa/Nairobi", False, False),
    ("sophie.laurent@example.net", "Sophie Laurent", "Member Agency for Food and Agriculture", "FR", "Europe/Paris",
     False, False),
    ("ana.souza@example.net", "Ana Carolina Souza", "Universidade de São Paulo", "BR", "America/Sao_Paulo",
     False, False),
]


@dataclass(frozen=True)
class DemoSubmission:
    key: str  # its form nonce, "demo-<key>": how a second run finds it
    submitter: str  # email
    type: str
    track: str
    state: SubmissionState
    title: str
    abstract: str
    keywords: str
    coauthors: tuple[tuple[str, str, str], ...] = ()  # name, email, affiliation
    student: bool | None = False  # None: the (required) question left open, in a draft
    sdgs: tuple[int, ...] = ()
    dataset: str | None = None
    orcid: str | None = None
    pdf: bool = False
    # The demo event is reviewed double-blind, so its PDFs print no author; this one keeps the
    # submitter's name in its document properties, as word processors write it: its author sees
    # the warning on the submission page, reviewers download a copy without it.
    pdf_metadata_names_author: bool = False
    reason: str = ""  # why it was withdrawn


D, S, W = SubmissionState.DRAFT, SubmissionState.SUBMITTED, SubmissionState.WITHDRAWN
KWAME = "author@example.org"
PRIYA = "participant@example.org"

SUBMISSIONS = [
    # The demo author's own: one draft, one submitted, one withdrawn.
    DemoSubmission(
        "kwame-migration", KWAME, "Full paper", "Statistical methods", D,
        "Mobile phone data for measuring internal migration in Ghana",
        "We compare call-detail records from two operators with the 2021 census migration module. "
        "Aggregated origin-destination matrices reproduce district-level census flows with a median error of "
        "12 per cent. "
        "We discuss what this means for annual migration estimates between censuses.",
        "migration, mobile phone data, census", sdgs=(11,)),
    DemoSubmission(
        "kwame-poverty", KWAME, "Full paper", "Statistical methods", S,
        "Small-area estimation of child poverty from census and survey data",
        "District-level child poverty rates are needed to target cash transfers, but household surveys are too small. "
        "We fit a Fay-Herriot model that borrows strength from census covariates and satellite night lights, "
        "and validate it against a survey with district-representative samples. Coefficients of variation fall "
        "below 20 per cent in 214 of 260 districts.",
        "small-area estimation, child poverty, Fay-Herriot",
        coauthors=(("Efua Asante", "efua.asante@example.com", "Ghana Statistical Service"),
                   ("Lars Eriksen", "lars.eriksen@example.net", "University of Oslo")),
        sdgs=(0, 9), dataset="https://data.example.org/ghana/child-poverty-2029", orcid="0000-0002-1825-0097", pdf=True,
        pdf_metadata_names_author=True),
    DemoSubmission(
        "kwame-dashboards", KWAME, "Talk", "Data standards", W,
        "What district officers actually read on a statistics dashboard",
        "Eye-tracking sessions with thirty district planning officers show which parts of a statistics dashboard "
        "they read, and which they never find.", "dashboards, dissemination, user research",
        sdgs=(16,), reason="The study is not finished in time; we will submit it next year."),
    # Data standards
    DemoSubmission(
        "sdmx-five-years", "ngozi.okafor@example.net", "Full paper", "Data standards", S,
        "SDMX in practice: five years of automated exchange between national statistical offices",
        "Since 2025, twelve national statistical offices have sent their labour force indicators to member agencies "
        "as SDMX messages instead of spreadsheets. We report the time saved, the errors that disappeared and those "
        "that did not, and the governance the exchange needed: code list maintenance, versioning and a shared "
        "validation service.",
        "SDMX, data exchange, labour statistics",
        coauthors=(("Kwame Mensah", KWAME, "University of Ghana"),
                   ("Chiara Rossi", "chiara.rossi@example.com", "Member Agency for Labour Statistics")),
        sdgs=(7, 16), dataset="https://data.example.org/sdmx-exchange-log", pdf=True),
    DemoSubmission(
        "ddi-codebooks", "lars.eriksen@example.net", "Extended abstract", "Data standards", S,
        "Machine-actionable codebooks with DDI-CDI for household surveys",
        "We converted the codebooks of eleven household surveys to DDI Cross-Domain Integration and generated "
        "harmonisation scripts from them. The extended abstract describes the mapping, the gaps we found in the "
        "standard, and a proposal for variable cascades.",
        "DDI, metadata, household surveys",
        coauthors=(("Ingrid Berg", "ingrid.berg@example.com", "Statistics Norway"),), sdgs=(16,), pdf=True),
    DemoSubmission(
        "classifications-api", "tomas.novak@example.net", "Talk", "Data standards", S,
        "A shared classification service for occupations, activities and countries",
        "One API now serves the classifications that four member agencies used to copy into their own systems. "
        "We show how versions and correspondence tables are published, and how consumers learn about changes.",
        "classifications, API, ISCO, ISIC", sdgs=(16,)),
    DemoSubmission(
        "metadata-quality", "sophie.laurent@example.net", "Poster", "Data standards", S,
        "Scoring metadata completeness across 40 agricultural datasets",
        "A simple score for metadata completeness, computed automatically for forty datasets, "
        "and what improved after we published it.", "metadata quality, agriculture, FAIR",
        sdgs=(1,)),
    DemoSubmission(
        "geo-codes", "daniel.mwangi@example.net", "Talk", "Data standards", D,
        "Stable geographic codes when district boundaries change",
        "", "geographic codes, boundaries"),
    DemoSubmission(
        "json-stat", "maria.fuentes@example.net", "Extended abstract", "Data standards", S,
        "JSON-stat as a dissemination format for small statistical offices",
        "Small offices cannot run an SDMX registry, but can publish JSON-stat files from a spreadsheet. "
        "We compare both routes for three island states and suggest when each fits.",
        "JSON-stat, dissemination, small states",
        coauthors=(("Pedro Alves", "pedro.alves@example.com", "Universidade de Lisboa"),), sdgs=(16,)),
    # Privacy and ethics
    DemoSubmission(
        "dp-census", "hiroshi.tanaka@example.net", "Full paper", "Privacy and ethics", S,
        "Differential privacy for census tables: what users lose and what they keep",
        "We applied a differentially private mechanism to the census tables most requested by ministries and "
        "measured the effect on the decisions those tables support. At the privacy budget used by two recent "
        "censuses, allocations of health staff changed for fewer than 1 per cent of municipalities, but small "
        "ethnic groups lost usable counts in most of them.",
        "differential privacy, census, disclosure control",
        coauthors=(("Yuki Sato", "yuki.sato@example.com", "University of Tokyo"),
                   ("Priya Natarajan", PRIYA, "Member Agency for Health")),
        sdgs=(2, 9), pdf=True, orcid="0000-0001-5109-3700"),
    DemoSubmission(
        "consent-mobile", "fatima.benali@example.net", "Talk", "Privacy and ethics", S,
        "Informed consent for mobile data collection in low-literacy settings",
        "Audio consent scripts, tested in three languages, doubled the share of respondents who could explain "
        "what they had agreed to. We share the scripts and the test protocol.",
        "informed consent, mobile surveys, ethics", sdgs=(3, 4)),
    DemoSubmission(
        "synthetic-microdata", "ana.souza@example.net", "Full paper", "Privacy and ethics", S,
        "Synthetic microdata for teaching: how close is close enough?",
        "Universities want realistic labour force microdata for teaching. We generated synthetic files with "
        "three methods and asked instructors and students to replicate published tables. Sequential regression "
        "trees gave usable results for teaching while passing the agency's disclosure tests.",
        "synthetic data, microdata, teaching",
        coauthors=(("Rafael Lima", "rafael.lima@example.com", "Universidade de São Paulo"),), sdgs=(3, 7),
        student=True, pdf=True),
    DemoSubmission(
        "data-sharing-agreements", "aisha.rahman@example.net", "Panel", "Privacy and ethics", S,
        "Data sharing agreements in emergencies: templates that worked",
        "Four organisations discuss the data sharing agreements they signed during recent emergencies, "
        "which clauses mattered, and which template they would use next time.",
        "data sharing agreements, emergencies, governance",
        coauthors=(("Jean-Pierre Mbeki", "jp.mbeki@example.com", "Observer Network for Humanitarian Data"),
                   ("Olena Kovalenko", "olena.kovalenko@example.com", "Member Agency for Migration"),
                   ("Sophie Laurent", "sophie.laurent@example.net", "Member Agency for Food and Agriculture")),
        sdgs=(15, 16)),
    DemoSubmission(
        "reidentification-risk", "lars.eriksen@example.net", "Poster", "Privacy and ethics", W,
        "Re-identification risk in published geocoded survey data",
        "A risk score for displaced GPS coordinates in published survey files.", "re-identification, geocoding",
        sdgs=(16,), reason="Our data provider asked us not to present this yet."),
    DemoSubmission(
        "ethics-review", "daniel.mwangi@example.net", "Extended abstract", "Privacy and ethics", D,
        "Ethics review for administrative data research: a light procedure",
        "A two-page procedure for ethics review of research on administrative data.",
        "ethics review, administrative data"),
    # Statistical methods
    DemoSubmission(
        "nowcasting-food-prices", "sophie.laurent@example.net", "Full paper", "Statistical methods", S,
        "Nowcasting food prices with web-scraped data in twelve markets",
        "Monthly consumer price indices come out six weeks late. We nowcast food prices from daily web-scraped "
        "retail prices in twelve markets and compare three models against the official index. A dynamic factor "
        "model halves the error of the naive forecast in nine markets; in three, scraped prices cover too few "
        "products.",
        "nowcasting, web scraping, food prices",
        coauthors=(("Marco Bianchi", "marco.bianchi@example.com", "Member Agency for Food and Agriculture"),
                   ("Lea Schmidt", "lea.schmidt@example.com", "Universität Wien")),
        sdgs=(1, 11), dataset="https://data.example.org/food-prices/scraped", pdf=True),
    DemoSubmission(
        "record-linkage", "tomas.novak@example.net", "Full paper", "Statistical methods", S,
        "Probabilistic record linkage of migration registers without a common identifier",
        "Two migration registers share no identifier. We link them with a Fellegi-Sunter model on names "
        "transliterated from three scripts, dates of birth and places, estimate linkage error with clerical "
        "review of 2,000 pairs, and show how the error biases flow estimates.",
        "record linkage, migration statistics, administrative data",
        coauthors=(("Olena Kovalenko", "olena.kovalenko@example.com", "Member Agency for Migration"),),
        sdgs=(9, 16), pdf=True, orcid="0000-0003-1415-9265"),
    DemoSubmission(
        "satellite-crop", "maria.fuentes@example.net", "Talk", "Statistical methods", S,
        "Crop area estimates from satellite images and a small field sample",
        "Combining Sentinel-2 classifications with 300 field plots gave crop area estimates as precise as "
        "a survey three times larger.", "remote sensing, agriculture, sampling", sdgs=(1, 14)),
    DemoSubmission(
        "bayesian-mortality", "hiroshi.tanaka@example.net", "Extended abstract", "Statistical methods", S,
        "Bayesian estimates of under-five mortality where vital registration is incomplete",
        "We combine incomplete vital registration with two household surveys in a Bayesian model and "
        "compare the estimates with those published by member agencies.",
        "mortality, Bayesian models, vital registration",
        coauthors=(("Priya Natarajan", PRIYA, "Member Agency for Health"),), sdgs=(2,), pdf=True),
    DemoSubmission(
        "survey-weights", "ana.souza@example.net", "Poster", "Statistical methods", S,
        "Calibrating phone survey weights after a face-to-face baseline",
        "Raking phone survey weights to the face-to-face baseline removed most of the bias in household size.",
        "survey weights, phone surveys, calibration", student=True, sdgs=(0,)),
    DemoSubmission(
        "informal-employment", "ngozi.okafor@example.net", "Talk", "Statistical methods", W,
        "Measuring informal employment with a short question set",
        "Six questions identify informal employment as well as the full module.", "informal employment, labour force",
        sdgs=(7,), reason="Submitted twice by mistake; please keep the other submission."),
    DemoSubmission(
        "quality-indicators", "fatima.benali@example.net", "Poster", "Statistical methods", D,
        "Quality indicators for administrative sources", "", "quality, administrative data"),
    DemoSubmission(
        "inequality-tax-data", "lars.eriksen@example.net", "Full paper", "Statistical methods", S,
        "Top incomes in tax data and household surveys: reconciling two pictures of inequality",
        "Household surveys miss top incomes; tax data miss the informal economy. We reconcile both for five "
        "countries with a Pareto tail correction and show how Gini coefficients and the SDG 10.1 indicator change.",
        "inequality, tax data, household surveys",
        coauthors=(("Kwame Mensah", KWAME, "University of Ghana"),), sdgs=(9,), pdf=True),
    # Humanitarian data
    DemoSubmission(
        "displacement-tracking", "aisha.rahman@example.net", "Full paper", "Humanitarian data", S,
        "Counting displaced people from three sources that never agree",
        "Displacement figures from registration, site assessments and mobile data differed by up to 40 per cent "
        "during the 2028 floods. We model the three sources jointly, estimate each one's coverage, and propose "
        "a figure with an honest interval.",
        "displacement, data integration, floods",
        coauthors=(("Jean-Pierre Mbeki", "jp.mbeki@example.com", "Observer Network for Humanitarian Data"),
                   ("Karim Haddad", "karim.haddad@example.com", "American University of Beirut")),
        sdgs=(0, 10, 12), dataset="https://data.example.org/displacement/2028-floods", pdf=True),
    DemoSubmission(
        "early-warning", "daniel.mwangi@example.net", "Talk", "Humanitarian data", S,
        "Drought early warning that reaches pastoralists in time",
        "Forecasts reached county officers within hours but pastoralists only after two weeks. We traced the "
        "delay and tested SMS bulletins in two counties.",
        "early warning, drought, SMS", sdgs=(1, 12), student=True),
    DemoSubmission(
        "hxl-tags", "aisha.rahman@example.net", "Poster", "Humanitarian data", S,
        "HXL hashtags in practice: a year of tagged spreadsheets",
        "What happened when field teams tagged their spreadsheets with HXL hashtags for a year.",
        "HXL, humanitarian data exchange, spreadsheets", sdgs=(16,)),
    DemoSubmission(
        "needs-assessment", "fatima.benali@example.net", "Extended abstract", "Humanitarian data", S,
        "Joint needs assessments: harmonising questionnaires across clusters",
        "Six clusters agreed on a common core of 40 questions. We describe the negotiation and the effect on "
        "analysis time.", "needs assessment, questionnaires, coordination",
        coauthors=(("Amadou Traoré", "amadou.traore@example.com", "Observer Institute for Data"),), sdgs=(0, 1)),
    DemoSubmission(
        "crisis-panel", "tomas.novak@example.net", "Panel", "Humanitarian data", S,
        "Official statistics in a crisis: when the survey cannot go to the field",
        "Heads of statistical offices discuss how they kept producing key indicators when field work stopped.",
        "crisis, continuity, official statistics",
        coauthors=(("Ngozi Okafor", "ngozi.okafor@example.net", "Member Agency for Statistics"),
                   ("Hiroshi Tanaka", "hiroshi.tanaka@example.net", "Member Agency for Health"),
                   ("Isabel Moreno", "isabel.moreno@example.com", "Instituto Nacional de Estadística")),
        sdgs=(16,)),
    DemoSubmission(
        "cash-transfers", "sophie.laurent@example.net", "Talk", "Humanitarian data", W,
        "Targeting cash transfers with proxy means tests after a cyclone",
        "How well a proxy means test built before a cyclone targeted households after it.",
        "cash transfers, targeting, proxy means test", sdgs=(0,),
        reason="The evaluation report has been delayed by the ministry."),
    DemoSubmission(
        "refugee-census", "maria.fuentes@example.net", "Full paper", "Humanitarian data", S,
        "Including refugees in the population census: lessons from three countries",
        "Three countries counted refugees in their last census, each differently. We compare the questions, "
        "the enumeration in camps and settlements, and the quality of the results against registration data.",
        "refugees, census, statelessness",
        coauthors=(("Lucía Herrera", "lucia.herrera@example.com", "Universidad de Buenos Aires"),
                   ("Tomáš Novák", "tomas.novak@example.net", "Member Agency for Migration")),
        sdgs=(9, 16), pdf=True),
    DemoSubmission(
        "satellite-damage", "hiroshi.tanaka@example.net", "Poster", "Humanitarian data", D,
        "Building damage from satellite images within 48 hours", "", "remote sensing, damage assessment",
        student=None),
    DemoSubmission(
        "health-facilities", "ana.souza@example.net", "Extended abstract", "Humanitarian data", S,
        "A live register of health facilities for emergency response",
        "We keep a register of 4,000 health facilities current with monthly calls and show how it was used "
        "during two outbreaks.", "health facilities, master lists, emergencies",
        coauthors=(("Priya Natarajan", PRIYA, "Member Agency for Health"),), sdgs=(2,)),
    DemoSubmission(
        "gender-data-gaps", "ngozi.okafor@example.net", "Panel", "Statistical methods", S,
        "Closing gender data gaps: what a decade of investment bought",
        "Producers and users of gender statistics look back at ten years of investment in surveys and registers.",
        "gender statistics, data gaps, investment",
        coauthors=(("Sophie Laurent", "sophie.laurent@example.net", "Member Agency for Food and Agriculture"),
                   ("Fatima Zahra Benali", "fatima.benali@example.net", "Observer Institute for Data"),
                   ("Grace Njeri", "grace.njeri@example.com", "University of Nairobi")),
        sdgs=(4,)),
    DemoSubmission(
        "open-source-tools", "daniel.mwangi@example.net", "Poster", "Data standards", W,
        "An open-source toolkit for statistical disclosure control",
        "A packaged toolkit for statistical disclosure control in R and Python.", "open source, disclosure control",
        sdgs=(16,), student=True, reason="Merged into the talk of our colleagues."),
]
