"""Claims, stance, time, timelines, reversals and contradictions, on sentences
and a small multi-article corpus written for the tests."""

import datetime as dt
import json

import pytest
from conftest import SHARED

from onrecord import Record
from onrecord.analysis import Analyzer
from onrecord.claims.matching import group_texts
from onrecord.claims.propositions import proposition
from onrecord.claims.stance import text_stance
from onrecord.ingest.draft import Draft, IngestOptions, finish
from onrecord.model import Stance
from onrecord.nlp.dates import statement_time
from onrecord.nlp.pipeline import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def analyse(analyzer, text, published=None, title=None):
    draft = Draft(text=text, source_ref="test", title=title, published=published)
    return analyzer.analyze_article(finish(draft, IngestOptions(languages=())))


# -- stance -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Giant squid washes up on Brighton beach", "affirm"),
        ("Giant squid on Brighton beach was a hoax, council says", "deny"),
        ("Photo of giant squid on Brighton beach is fake", "deny"),
        ("Giant squid reportedly washed up on Brighton beach", "neutral"),
        ("Did a giant squid wash up on Brighton beach?", "neutral"),
        ("Giant squid on Brighton beach? Probably not", "deny"),
        ("Giant squid washed up on Brighton beach: report", "neutral"),
        ("Council confirms giant squid washed up on Brighton beach", "affirm"),
        ("No, a giant squid did not wash up on Brighton beach", "deny"),
    ],
)
def test_text_stance(nlp, text, stance):
    assert text_stance("A giant squid washed up on Brighton beach", text, nlp(text)).value == stance


def test_statement_stances_of_the_seed_kinds(analyzer):
    a = analyse(
        analyzer,
        (
            "The ministry denied selling arms to the rebels. "
            "The inspector urged the police to look into whether the arms reached the rebels. "
            '"If it is proven that our arms reached them, we will stop all sales," minister Ana Costa said. '
            '"You should provide evidence to us," Costa told reporters.'
        ),
    )
    stances = {s.content.text.strip('"')[:12]: s.stance.value for s in a.statements}
    assert stances == {
        "selling arms": "deny",
        "to look into": "question",
        "If it is pro": "conditional",
        "You should p": "question",
    }


# -- time -------------------------------------------------------------------------


def test_dates_relative_to_publication(nlp):
    text = (
        "The minister acknowledged on Saturday that the deal was signed. "
        "Officials had previously denied that any deal existed. "
        "The envoy said earlier this week that talks had failed."
    )
    doc = nlp(text)
    published = dt.date(2022, 11, 6)  # a Sunday

    def when(cue, content):
        start = text.index(content)
        return statement_time(doc, text.index(cue), (start, start + len(content)), published)

    saturday = when("acknowledged", "that the deal was signed")
    assert (saturday.value, saturday.text, saturday.earlier) == (dt.date(2022, 11, 5), "on Saturday", False)
    denied = when("denied", "that any deal existed")
    assert denied.earlier and denied.value is None
    week = when("said", "that talks had failed")
    assert (week.start, week.end, week.earlier) == (dt.date(2022, 10, 31), dt.date(2022, 11, 5), True)
    # without a publication date a weekday cannot be placed, but the order remains
    undated = statement_time(doc, text.index("acknowledged"), (text.index("that the deal"), 60), None)
    assert undated.value is None and undated.text == "on Saturday"


# -- claims ------------------------------------------------------------------------


def test_one_claim_in_many_wordings_and_another_kept_apart(analyzer):
    text = (
        "Iranian officials denied arming Russia.\n\n"
        "Iran's foreign minister, Ali Karimi, acknowledged on Saturday that his country has supplied Russia with drones. "
        '"We gave a limited number of drones to Russia," Karimi said.\n\n'
        "Ukraine's president said Russia used Iranian drones in Ukraine."
    )
    a = analyse(analyzer, text, published=dt.date(2022, 11, 6))
    claim_of = {s.content.text.split()[0].strip('“"'): s.claim_id for s in a.statements}
    supply = claim_of["arming"]
    assert supply and claim_of["that"] == supply and claim_of["We"] == supply
    assert claim_of["Russia"] != supply
    texts = {c.id: c.text for c in a.claims}
    assert texts[supply] == "Iran supplied drones to Russia"


def test_recipients_keep_claims_apart(nlp):
    india = nlp("Vietnam has banned rice exports to India.")
    china = nlp("Vietnam has banned rice exports to China.")
    p, q = proposition(india, 0, len(india.text)), proposition(china, 0, len(china.text))
    assert p.frame.name == q.frame.name == "ban"
    assert not p.matches(q) and not p.matches(q, same_article=True)


def test_group_texts(nlp):
    texts = [
        "Apple to open a store on the Moon, rumour says",
        "Apple's Moon store will open next year",
        "Is Apple really opening a store on the Moon?",
        "Giant eel photographed in Loch Garra",
        "Giant eel in Loch Garra is a fake, experts say",
    ]
    labels = group_texts(nlp.pipe(texts))
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] != labels[0]


# -- the seed ------------------------------------------------------------------------


def test_seed_record(analyzer):
    seed = SHARED / "seed" / "iran-drones.txt"
    if not seed.exists():
        pytest.skip("the shared seed is not beside the project")
    from onrecord import read_sources

    expected = json.loads((SHARED / "seed" / "expected.json").read_text("utf-8"))
    [article] = list(read_sources([str(seed)], IngestOptions(published=dt.date(2022, 11, 6))))
    a = analyzer.analyze_article(article)

    def norm(text):
        return " ".join(text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").lower().split())

    by_key = {}
    for want in expected["statements"]:
        hit = next((s for s in a.statements if norm(want["content"]) in norm(s.content.text)), None)
        if hit is not None:
            by_key[want["key"]] = (want, hit)
    for key, (want, hit) in by_key.items():
        if "stance" in want:
            assert hit.stance.value == want["stance"], key
        if "date" in want:
            assert hit.date == dt.date.fromisoformat(want["date"]), key
    # claims: SUPPLY and USE as the careful reader groups them
    groups = {}
    for want, hit in by_key.values():
        if "claim" in want:
            groups.setdefault(want["claim"], set()).add(hit.claim_id)
    assert all(len(ids) == 1 and None not in ids for ids in groups.values())
    assert groups["SUPPLY"] != groups["USE"]
    # the reversal: Iran (its state), deny -> affirm, with the statements as evidence
    [reversal] = a.reversals
    assert (reversal.actor, reversal.from_stance, reversal.to_stance) == ("Iran", Stance.DENY, Stance.AFFIRM)
    assert reversal.first_affirmation and reversal.claim_id == next(iter(groups["SUPPLY"]))
    ids = {key: hit.id for key, (_, hit) in by_key.items()}
    assert {ids["C"], ids["E"]} <= set(reversal.before) and {ids["A"], ids["B"]} <= set(reversal.after)
    assert a.contradictions == []


# -- a corpus over time -----------------------------------------------------------------

CORPUS = {
    "01-denial.txt": 'Norway Denies Selling Fishing Licences To Iceland\n\nMarch 3, 2025\n\nThe government of Norway on Monday denied that it had sold fishing licences to Iceland. "No licences were sold to any foreign fleet," fisheries minister Petra Aalto told reporters in Oslo.\n',
    "02-admission.txt": "Norway Admits Fishing Licence Sale\n\nApril 14, 2025\n\nNorway's fisheries minister acknowledged on Monday that the government sold fishing licences to Iceland last year. Petra Aalto, the fisheries minister of Norway, said the sale had been approved by the previous cabinet.\n",
    "03-retraction.txt": "Carmaker Plans New Plant\n\nMay 2, 2025\n\nHelmut Brandt, the chief executive of Orvin Motors, said on Friday that the company would build a battery plant in Kestor next year.\n",
    "04-retraction.txt": "Orvin Motors Drops Plant Plan\n\nJune 20, 2025\n\nHelmut Brandt, the chief executive of Orvin Motors, denied on Friday that the company would build a battery plant in Kestor, saying the plans had never been final.\n",
    "05-consistent.txt": "Mayor Rejects Bribery Claims\n\nJuly 7, 2025\n\nMayor Lena Falk denied on Monday that she had accepted bribes from the Dunmore Construction Company. Falk again denied taking any payment from the firm in a statement on Tuesday.\n",
    "06-rice.txt": "Trade Ministry Confirms Rice Export Ban\n\nAugust 4, 2025\n\nThe trade ministry of Vietnam confirmed on Monday that Vietnam has banned rice exports to India. Separately, Vietnamese officials denied that Vietnam had banned rice exports to China.\n",
    "07-conditional.txt": 'Dam Operator Responds To Flood Claims\n\nSeptember 10, 2025\n\nThe Harrow Water Company, which runs the Harrow Dam, denied on Monday that it had spilled water before the flood. "If it is proven that water was spilled early, we will compensate every family," Maud Rees, the director of the Harrow Water Company, said on Tuesday.\n',
    "08-contradiction.txt": "Neighbours Dispute Border Incident\n\nOctober 6, 2025\n\nThe government of Armenia said on Monday that Azerbaijan had sent troops across the border. The government of Azerbaijan denied that it had sent troops across the border.\n",
}


@pytest.fixture
def corpus_record(db_url, tmp_path):
    for name, text in CORPUS.items():
        (tmp_path / name).write_text(text, "utf-8")
    record = Record(db_url)
    report = record.ingest([str(tmp_path)])
    assert report.failed == 0 and report.analyzed == len(CORPUS)
    yield record
    record.close()


def test_reversals_across_articles(corpus_record):
    found = {(r.actor, r.kind): r for r in corpus_record.reversals(kind=None)}
    # an admission after a denial, across two articles: Norway's state
    admission = found[("Norway", "reversal")]
    assert (admission.from_stance, admission.to_stance, admission.first_affirmation) == (
        "deny",
        "affirm",
        True,
    )
    assert {b.date.isoformat() for b in admission.before} == {"2025-03-03"}
    assert {a.speaker for a in admission.after} >= {"Petra Aalto"}
    assert len({b.article for b in admission.before} | {a.article for a in admission.after}) == 2
    # a retraction, by the company its chief executive speaks for
    retraction = found[("Orvin Motors", "reversal")]
    assert (retraction.from_stance, retraction.to_stance) == ("affirm", "deny")
    # a conditional after a denial is a softening, not an admission
    softening = found[("Harrow Water Company", "softening")]
    assert (softening.from_stance, softening.to_stance) == ("deny", "conditional")
    # a consistent denial is never a reversal
    assert not any("Falk" in actor for actor, _ in found)
    # two actors on opposite sides: a contradiction
    [contradiction] = [r for (actor, kind), r in found.items() if kind == "contradiction"]
    assert contradiction.actor == "Armenia / Azerbaijan"
    assert {("Harrow Water Company", "reversal"), ("Vietnam", "reversal")}.isdisjoint(found)


def test_claims_timeline_and_check(corpus_record):
    claims = {c.text: c for c in corpus_record.claims(limit=100)}
    # rice exports to India and to China are different claims
    assert "Vietnam banned exports to India" in claims and "Vietnam banned exports to China" in claims
    norway = claims["Norway supplied licences to Iceland"]
    claim, rows = corpus_record.timeline(norway.id[:10])
    assert claim.id == norway.id
    days = [row.when for row in rows]
    assert days == sorted(days) and days[0] == dt.date(2025, 3, 3) and days[-1] == dt.date(2025, 4, 14)
    assert [row.stance for row in rows][:2] == ["deny", "deny"]
    [found] = corpus_record.check("Norway sold fishing licences to Iceland")
    assert found.id == norway.id and len(found.timeline) == norway.statements
    assert corpus_record.check("Vietnam banned rice exports to Japan") == []


def test_reanalysis_keeps_claims_and_reversals(corpus_record):
    before = sorted((r.claim_id, r.kind) for r in corpus_record.reversals(kind=None))
    corpus_record.reanalyze()
    after = sorted((r.claim_id, r.kind) for r in corpus_record.reversals(kind=None))
    assert before == after


def test_an_unnamed_source_does_not_make_a_contradiction(analyzer):
    # "the reports" affirm and the company denies: a denial of the reports, not
    # two sides someone could be held to
    a = analyse(
        analyzer,
        "Reports said on Monday that Talbrook Foods would close its Arnholt bakery.\n\n"
        "Talbrook Foods denied that it would close its Arnholt bakery.",
    )
    assert [s.stance.value for s in a.statements] == ["affirm", "deny"]
    assert a.contradictions == []
    # named on both sides, the same words are a contradiction
    b = analyse(
        analyzer,
        "The Arnholt bakers' union said on Monday that Talbrook Foods would close its Arnholt bakery.\n\n"
        "Talbrook Foods denied that it would close its Arnholt bakery.",
    )
    assert len(b.contradictions) == 1


def test_a_lawyers_words_are_the_clients_side(analyzer):
    a = analyse(
        analyzer,
        "Fund manager Vance Orley was charged on Monday with defrauding investors.\n\n"
        '"Mr. Orley denies these charges in their entirety," his lawyer, Rebecca Strand, told reporters.\n\n'
        "A spokeswoman for Orley said he would fight the case.",
    )
    lawyer = next(s for s in a.statements if s.speaker_name == "Rebecca Strand")
    # the quotation's first sentence is not cut at "Mr.": it is a denial
    assert lawyer.stance.value == "deny"
    orley = next(x for x in a.actors if x.name == "Vance Orley")
    assert lawyer.side == f"actor:{orley.id}" and lawyer.side_name == "Vance Orley"
    spokeswoman = find_statement(a, "he would fight the case")
    assert spokeswoman.side == f"actor:{orley.id}"


def find_statement(analysis, part):
    return next(s for s in analysis.statements if part in s.content.text)
