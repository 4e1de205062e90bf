"""A bug breakglass's own checks catch is an InternalError: not a refusal (exit 1) but a bug, exit 3, one line."""

import pytest

from breakglass.cli import main as cli_main
from breakglass.errors import BreakglassError, InternalError
from breakglass.format import combine, expand, scheme
from breakglass.format.v1.scheme import combine_key
from breakglass.format.v2.scheme import SetCurves

SECRET = b"root credential"


@pytest.fixture(scope="module", params=scheme.FORMATS)
def recovered(request):
    made = scheme.split(SECRET, 2, 3, version=request.param)
    return combine.recombine(list(made.shares[:2]))


def test_internal_error_is_not_a_refusal():
    assert not issubclass(InternalError, BreakglassError)


def test_expanding_at_a_number_the_set_was_recovered_from_is_a_bug(recovered):
    with pytest.raises(InternalError, match="share 1 already exists"):
        expand.new_shares(recovered, [1], 4)
    with pytest.raises(InternalError, match="given twice"):
        expand.new_shares(recovered, [4, 4], 5)


def test_expanding_without_the_k_shares_that_authenticated_is_a_bug(recovered):
    from dataclasses import replace

    with pytest.raises(InternalError, match="needs the k shares"):
        expand.new_shares(replace(recovered, used_shares=recovered.used_shares[:1]), [4], 4)


def test_key_shares_with_one_number_are_a_bug():
    made = scheme.split(SECRET, 2, 3, version=1)
    with pytest.raises(InternalError, match="distinct indexes"):
        combine_key([made.shares[0], made.shares[0]])
    made2 = scheme.split(SECRET, 2, 3, version=2)
    with pytest.raises(InternalError, match="exactly k shares"):
        SetCurves.from_shares([made2.shares[0], made2.shares[0]])
    other = scheme.split(SECRET, 2, 3, version=2)
    with pytest.raises(InternalError, match="different sets"):
        SetCurves.from_shares([made2.shares[0], other.shares[1]])


def test_the_cli_reports_an_internal_error_as_a_bug_exit_3(monkeypatch, capsys):
    """Whatever command hits it: the group's own run is where every command's exception arrives."""

    def broken(**_):
        raise InternalError("new share 4 does not recombine with the others; nothing was printed")

    monkeypatch.delenv("BREAKGLASS_DEBUG", raising=False)
    monkeypatch.setattr(cli_main.cli, "main", broken)
    with pytest.raises(SystemExit) as exit_info:
        cli_main.main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 3
    assert err.strip().splitlines() == [
        "internal error: new share 4 does not recombine with the others; nothing was printed; "
        "this is a bug in breakglass, please report it"
    ]


def test_a_share_of_one_format_inside_a_code_of_the_other_is_refused_not_called_a_bug():
    """Hostile input, not a bug: a BG1 QR text whose payload is a format-2 share."""
    from breakglass.format import encoding, qrtext

    share = scheme.split(SECRET, 2, 3, version=2).shares[0]
    text = f"BG1:{share.set_id.hex().upper()}:{share.index}:1:1/1:{encoding.base32_encode(share.to_bytes())}"
    with pytest.raises(BreakglassError, match="share inside is format 2.*damaged or forged") as refused:
        qrtext.assemble([qrtext.parse_chunk(text)])
    assert "internal error" not in str(refused.value)
