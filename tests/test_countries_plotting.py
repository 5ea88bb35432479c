import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers import countries, plotting  # noqa: E402


def test_country_names_to_codes():
    assert countries.partner_code("South Korea") == "KOR"
    assert countries.partner_code("Dominican Republic") == "DOM"
    assert countries.partner_code("European Union") == "EUU" and countries.is_bloc("EUU")
    assert countries.members("SACU") == ("ZAF", "BWA", "LSO", "NAM", "SWZ")
    assert countries.members("CHL") == ("CHL",)
    assert countries.partner_code("FTAA participants (33 Western Hemisphere countries)") == "FTAA"


@pytest.mark.parametrize("bad", ["Atlantis", "", "Foo"])
def test_unknown_country(bad):
    with pytest.raises(countries.UnknownCountryError):
        countries.partner_code(bad)


def test_figures_are_byte_identical_across_saves(tmp_path):
    plotting.use_style()

    def draw():
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1, 2], [1, 3, 2], label="x")
        ax.set(title="A finding", xlabel="months", ylabel="count")
        plotting.add_source(fig, "test")
        return fig

    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        fig = draw()
        plotting.save_figure(fig, "f", folder)
        plt.close(fig)
    for ext in ("png", "svg"):
        assert (a / f"f.{ext}").read_bytes() == (b / f"f.{ext}").read_bytes()
    assert b"<svg" in (a / "f.svg").read_bytes()


def test_source_kind():
    from helpers.provenance import source_kind

    assert source_kind("https://ustr.gov/about-us/x") == "primary"
    assert source_kind("https://www.federalregister.gov/d/2025-06063") == "primary"
    assert source_kind("https://www.gov.uk/government/news/x") == "primary"
    assert source_kind("https://en.wikipedia.org/wiki/X") == "secondary"
    assert source_kind("69 FR 26187 (Proclamation 7747)") == "primary"
    assert source_kind("") is None and source_kind(None) is None


def test_svg_clip_ids_are_renumbered_consistently():
    svg = b'<clipPath id="pabcdef0123"/><path clip-path="url(#pabcdef0123)"/><clipPath id="p9999999999"/><g clip-path="url(#p9999999999)"/>'
    out = plotting.stable_svg_ids(svg)
    assert out == b'<clipPath id="clip0"/><path clip-path="url(#clip0)"/><clipPath id="clip1"/><g clip-path="url(#clip1)"/>'
    other = svg.replace(b"pabcdef0123", b"p1111111111")  # same drawing, other hash
    assert plotting.stable_svg_ids(other) == out
