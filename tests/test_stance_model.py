"""The learned headline stance model (claims/stance_model.py, weights in
claims/data/stance_model.json, trained by bench/train_stance.py), on
headlines written for the tests."""

import importlib.util
from importlib import resources

import pytest
from conftest import ROOT

from onrecord.claims import stance_model
from onrecord.claims.stance import headline_stance
from onrecord.claims.stance_model import learned_stance, stance_features
from onrecord.model import Stance
from onrecord.nlp.pipeline import load_pipeline

CLAIM = "A giant squid washed up on Brighton beach"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def test_weights_load():
    model = stance_model._model()
    assert model is not None
    assert model["labels"] == [Stance.AFFIRM, Stance.DENY, Stance.NEUTRAL]
    assert len(model["weights"]) == len(model["vocabulary"]) > 100
    assert all(len(row) == 3 for row in model["weights"]) and len(model["bias"]) == 3


def test_model_file_is_small():
    path = resources.files("onrecord.claims").joinpath(stance_model.MODEL_FILE)
    assert len(path.read_bytes()) < 300 * 1024


@pytest.mark.parametrize(
    ("claim", "text", "stance"),
    [
        (CLAIM, "Brighton beach giant squid photo is a hoax, aquarium says", Stance.DENY),
        (CLAIM, "No, a giant squid did not wash up on Brighton beach", Stance.DENY),
        ("The mayor of Springfield resigned", "Springfield mayor denies resignation rumours", Stance.DENY),
        (CLAIM, "Giant squid reportedly washed up on Brighton beach", Stance.NEUTRAL),
        (CLAIM, "Beachgoer claims giant squid washed up in Brighton", Stance.NEUTRAL),
        (CLAIM, "Council confirms giant squid washed up on Brighton beach", Stance.AFFIRM),
        ("The mayor of Springfield resigned", "Springfield mayor resigns after budget row", Stance.AFFIRM),
    ],
)
def test_predictions_are_sensible(nlp, claim, text, stance):
    assert learned_stance(claim, text, nlp(text)) == stance
    assert headline_stance(claim, text, nlp(text)) == stance


def test_without_a_parse_it_parses(nlp):
    text = "Giant squid on Brighton beach was fake, council says"
    assert learned_stance(CLAIM, text) == learned_stance(CLAIM, text, nlp(text)) == Stance.DENY


def test_training_uses_the_same_feature_function():
    spec = importlib.util.spec_from_file_location("train_stance", ROOT / "bench" / "train_stance.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    assert train.stance_features is stance_features


def test_missing_weights_fall_back_to_the_rule(nlp, monkeypatch):
    monkeypatch.setattr(stance_model, "_model", lambda: None)
    text = "Giant squid reportedly washed up on Brighton beach"
    assert headline_stance(CLAIM, text, nlp(text)) == Stance.NEUTRAL
