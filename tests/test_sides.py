"""Who a position belongs to: a company's spokesman and its chief executive
speak for the company, so its denial one week and its chief's confirmation
later are the company's reversal, across articles, on both databases."""

from onrecord.claims.timeline import _employer_of_role_name
from onrecord.record import Record


def test_a_role_that_names_its_employer_speaks_for_it():
    assert _employer_of_role_name("Corvane Group's chief executive") == "Corvane Group"
    assert _employer_of_role_name("the chief executive of Orvin Motors") == "Orvin Motors"
    assert _employer_of_role_name("a spokeswoman for the Port Authority") == "Port Authority"
    assert _employer_of_role_name("Bank of England") is None
    assert _employer_of_role_name("The Mayor of London") is None


def test_denial_then_the_chief_executives_confirmation_is_the_companys_reversal(db_url):
    first = {"title": "Corvane denies merger talks", "published": "2024-04-02", "text": (
        "Corvane Group on Tuesday denied that it was in talks to buy Lindqvist Paper, after a newspaper report "
        "sent Lindqvist's shares up 11 percent.\n\n"
        "Lindqvist Paper declined to comment.")}
    second = {"title": "Corvane chief confirms talks", "published": "2024-04-24", "text": (
        "Corvane Group's chief executive confirmed on Wednesday that the company was in talks to buy "
        "Lindqvist Paper, three weeks after the group dismissed a press report of the discussions.\n\n"
        "Analysts said a deal would give Corvane a foothold in packaging.")}
    with Record(db_url) as record:
        record.ingest_documents([first, second])
        reversals = record.store.list_reversals(kind="reversal")
    assert [(r["actor"], r["from_stance"], r["to_stance"]) for r in reversals] == [("Corvane Group", "deny", "affirm")]
