"""The offline gazetteer, on the mini gazetteer in tests/fixtures/gazetteer (107 real GeoNames places)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from geopy.location import Location

from geomap.config import GazetteerSettings
from geomap.errors import GazetteerError
from geomap.gazetteer import GEOCODERS, Gazetteer, GazetteerGeocoder, describe, get_geocoder, load_gazetteer
from geomap.gazetteer.build import russian_forms
from geomap.gazetteer.geocoder import to_place
from geomap.text import normalize, normalize_name

FIXTURE = Path(__file__).parent / "fixtures" / "gazetteer"
CORE = Path(__file__).parent.parent / "data" / "gazetteer"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer(GazetteerSettings(path=FIXTURE, world=False))


def _found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    """(original surface, key) of every scan hit."""
    return [(text[s:e], key) for s, e, key in gaz.scan(normalize(text))]


# ------------------------------------------------------------------ homonyms


def test_aktau_homonyms_best_first(gaz: Gazetteer) -> None:
    found = gaz.lookup("Aktau")
    assert [p.admin1_id for p in found] == ["KZ-MAN", "KZ-KAR", "KZ-KAR"]
    assert found[0].kind == "city" and found[0].admin1 == "Mangystau Region"
    assert all(p.kind == "village" for p in found[1:])
    assert gaz.lookup("Aktau", country="KZ") == found


def test_almaty_is_the_city_and_the_region(gaz: Gazetteer) -> None:
    city, region = gaz.candidates("almaty")
    assert (city.name, city.kind, city.admin1_id) == ("Almaty", "city", "KZ-ALA")
    assert (region.name, region.kind, region.admin1_id) == ("Almaty Region", "region", "KZ-ALM")
    assert gaz.lookup("Almaty Region") == [region]
    assert gaz.lookup("Алматинской области") == [region]


def test_region_forms(gaz: Gazetteer) -> None:
    mangystau = gaz.region("KZ-MAN")
    assert mangystau is not None and mangystau.name == "Mangystau Region" and mangystau.kind == "region"
    for name in ("Mangystau", "Mangistau region", "Mangyshlak Oblast", "Mangystau province",
                 "Мангистауская область", "Мангистаускую область", "Маңғыстау облысы"):
        assert mangystau in gaz.lookup(name), name
    for name, iso in (("Jambyl Region", "KZ-ZHA"), ("Karagandy oblast", "KZ-KAR"),
                      ("South Kazakhstan Region", "KZ-YUZ"), ("Aqtobe oblysy", "KZ-AKT")):
        assert gaz.lookup(name)[0].admin1_id == iso, name
    # bare "Mangystau" is the region before the small town called Mangistau
    assert gaz.lookup("Mangistau")[0].kind == "region"


def test_cities_of_republican_significance_are_their_units(gaz: Gazetteer) -> None:
    for iso, name in (("KZ-ALA", "Almaty"), ("KZ-AST", "Nur-Sultan"), ("KZ-SHY", "Shymkent")):
        unit = gaz.region(iso)
        assert unit is not None and unit.kind == "city" and unit.name == name
    assert gaz.region("KZ-XXX") is None


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("name", "expected", "admin1_id"),
    [
        ("Alma-Ata", "Almaty", "KZ-ALA"),
        ("Алма-Ата", "Almaty", "KZ-ALA"),
        ("Shevchenko", "Aktau", "KZ-MAN"),
        ("Tselinograd", "Nur-Sultan", "KZ-AST"),
        ("Целиноград", "Nur-Sultan", "KZ-AST"),
        ("Astana", "Nur-Sultan", "KZ-AST"),
        ("Nursultan", "Nur-Sultan", "KZ-AST"),
        ("Nur Sultan", "Nur-Sultan", "KZ-AST"),
        ("Uralsk", "Oral", "KZ-ZAP"),
        ("Guryev", "Atyrau", "KZ-ATY"),
        ("Chimkent", "Shymkent", "KZ-SHY"),
        ("Janaozen", "Zhanaozen", "KZ-MAN"),
        ("Жаңаөзен", "Zhanaozen", "KZ-MAN"),
        ("Öskemen", "Ust-Kamenogorsk", "KZ-VOS"),
        ("Semipalatinsk", "Semey", "KZ-VOS"),
        ("Dzhambul", "Taraz", "KZ-ZHA"),
        ("Qyzylorda", "Kyzylorda", "KZ-KZY"),
    ],
)
def test_alternate_and_historical_names(gaz: Gazetteer, name: str, expected: str, admin1_id: str) -> None:
    best = gaz.lookup(name)[0]
    assert (best.name, best.admin1_id) == (expected, admin1_id)


def test_junk_names_are_not_keys(gaz: Gazetteer) -> None:
    assert gaz.lookup("ALA") == []  # airport code of Almaty
    assert gaz.lookup("arumatoi") == []  # lower-case machine transliteration
    assert gaz.lookup("阿拉木圖") == []  # neither Latin nor Cyrillic


def test_russian_inflections_in_text(gaz: Gazetteer) -> None:
    text = "Протесты начались в Жанаозене Мангистауской области, потом в Актобе и Уральске."
    hits = _found(gaz, text)
    assert ("Жанаозене", "жанаозене") in hits
    assert ("Мангистауской области", normalize_name("Мангистауской области")) in hits
    assert ("Актобе", "актобе") in hits and ("Уральске", "уральске") in hits
    assert gaz.candidates("жанаозене")[0].name == "Zhanaozen"
    assert gaz.candidates(normalize_name("Мангистауской области"))[0].admin1_id == "KZ-MAN"


def test_russian_suffix_rules_are_general() -> None:
    assert russian_forms("Актобе") == set() and russian_forms("Алматы") == set()
    assert {"жанаозена", "жанаозену", "жанаозеном", "жанаозене"} == russian_forms("Жанаозен")
    assert {"москвы", "москве", "москву", "москвои"} <= russian_forms("Москва")
    assert "тбилиси" not in russian_forms("Тбилиси") and not russian_forms("Тбилиси")
    assert normalize_name("Новом Узене") in russian_forms("Новый Узень")
    assert russian_forms("Almaty") == set()


# ------------------------------------------------------------------ scan


def test_scan_offsets_point_into_the_original(gaz: Gazetteer) -> None:
    text = "Clashes in Alma-Ata (Almaty); later «Aktau», Zhanaozen's square."
    hits = list(gaz.scan(normalize(text)))
    # "alma" is Alma, Quebec: nested names are all reported
    assert [key for _, _, key in hits] == ["alma", "alma ata", "almaty", "aktau", "zhanaozen"]
    for start, end, key in hits:
        assert normalize_name(text[start:end]) == key


def test_scan_whole_words_only(gaz: Gazetteer) -> None:
    assert _found(gaz, "Aktaus Oralman Almatyinsk") == []
    assert _found(gaz, "Almaty-based, Almaty2 no, 2Almaty no") == [("Almaty", "almaty")]
    assert _found(gaz, "AKTAU") == [("AKTAU", "aktau")]


def test_scan_reports_nested_and_overlapping_names(gaz: Gazetteer) -> None:
    keys = [key for _, _, key in gaz.scan(normalize("in Almaty Region and West Kazakhstan Region"))]
    assert "almaty" in keys and "almaty region" in keys
    assert "west kazakhstan region" in keys and "west kazakhstan" in keys and "kazakhstan" in keys


def test_scan_empty_and_punctuation(gaz: Gazetteer) -> None:
    assert list(gaz.scan("")) == []
    assert list(gaz.scan(normalize("... !!! ---"))) == []


# ------------------------------------------------------------------ common words


def test_common_word_flags(gaz: Gazetteer) -> None:
    assert gaz.is_common_word("oral") and gaz.is_common_word("police")
    assert gaz.is_common_word("nice") and gaz.is_common_word("reading")
    assert not gaz.is_common_word("aktau") and not gaz.is_common_word("almaty")
    assert not gaz.is_common_word("kazakhstan") and not gaz.is_common_word("georgia")
    assert not gaz.is_common_word("no such place")


def test_committed_core_flags_oral() -> None:
    core = load_gazetteer(GazetteerSettings(path=CORE, world=False))
    assert core.is_common_word("oral") and core.is_common_word("орал")
    assert not core.is_common_word("жанаозен")


# ------------------------------------------------------------------ foreign places


@pytest.mark.parametrize(
    ("name", "country"),
    [("Moscow", "RU"), ("Москве", "RU"), ("Tbilisi", "GE"), ("Тбилиси", "GE"), ("Kyiv", "UA"),
     ("Kiev", "UA"), ("Киеве", "UA"), ("Bishkek", "KG"), ("Tashkent", "UZ")],
)
def test_foreign_places_resolve_as_foreign(gaz: Gazetteer, name: str, country: str) -> None:
    assert gaz.lookup(name)[0].country == country


def test_moscow_russia_before_moscow_idaho(gaz: Gazetteer) -> None:
    found = gaz.lookup("Moscow")
    assert found[0].country == "RU" and found[0].kind == "city"
    assert {p.country for p in found[1:]} == {"US"}
    assert [p.country for p in gaz.lookup("Moscow", country="US")] == ["US"] * (len(found) - 1)


def test_georgia_is_the_country(gaz: Gazetteer) -> None:
    found = gaz.lookup("Georgia")
    assert found[0].kind == "country" and found[0].country == "GE"
    assert gaz.lookup("Грузии")[0].country == "GE"


def test_countries(gaz: Gazetteer) -> None:
    kz = gaz.country("KZ")
    assert kz is not None and kz.name == "Kazakhstan" and kz.place_id == "geonames:1522867"
    assert 40 < kz.lat < 55 and 46 < kz.lon < 88
    assert gaz.lookup("Республика Казахстан") == [kz] and gaz.lookup("Казахстане") == [kz]
    assert gaz.country("kz") == kz and gaz.country("ZZ") is None
    assert gaz.lookup("Russian Federation")[0] == gaz.country("RU")


# ------------------------------------------------------------------ fuzzy


def test_fuzzy_finds_garbled_names_in_one_country(gaz: Gazetteer) -> None:
    (place, key, score), *_ = gaz.fuzzy("Zhanaozn", country="KZ")
    assert place.name == "Zhanaozen" and key == "zhanaozen" and score >= 80
    assert gaz.fuzzy("Ust Kamenogorks", country="KZ")[0][0].name == "Ust-Kamenogorsk"
    assert all(p.country == "RU" for p, _, _ in gaz.fuzzy("Moskva", country="RU"))
    assert gaz.fuzzy("Zhanaozn", country="RU") == []
    assert gaz.fuzzy("qqqqqq", country="KZ") == []


# ------------------------------------------------------------------ geopy


def test_geopy_location_round_trip(gaz: Gazetteer) -> None:
    location = gaz.geocode("Shevchenko")
    assert isinstance(location, Location)
    assert location.address == "Aktau, Mangystau Region, KZ"
    assert (location.latitude, location.longitude) == (43.66105, 51.17392)
    assert to_place(location) == gaz.lookup("Aktau")[0]
    every = gaz.geocode("Aktau", exactly_one=False)
    assert [to_place(loc).admin1_id for loc in every] == ["KZ-MAN", "KZ-KAR", "KZ-KAR"]
    assert gaz.geocode("Nowhere at all") is None


def test_geopy_reverse_is_the_nearest_settlement(gaz: Gazetteer) -> None:
    assert to_place(gaz.reverse("43.35, 52.87")).name == "Zhanaozen"
    assert to_place(gaz.reverse((43.24, 76.89))).name == "Almaty"  # (lat, lon), not (lon, lat)
    nearest = gaz.reverse((51.2, 71.4), exactly_one=False)
    assert to_place(nearest[0]).name == "Nur-Sultan" and len(nearest) == 5


def test_geocoder_registry(gaz: Gazetteer) -> None:
    assert get_geocoder("local") is GazetteerGeocoder and set(GEOCODERS) == {"local", "nominatim"}
    geocoder = get_geocoder("local")(gaz, country="US")
    assert to_place(geocoder.geocode("Moscow")).country == "US"
    with pytest.raises(ValueError, match="unknown geocoder"):
        get_geocoder("google")


def test_describe(gaz: Gazetteer) -> None:
    (row,) = describe(gaz.lookup("Zhanaozen"))
    assert row["name"] == "Zhanaozen" and row["kind"] == "city" and row["admin1"] == "Mangystau Region"
    assert (row["lat"], row["lon"]) == (43.34116, 52.86192) and row["population"] > 100_000


# ------------------------------------------------------------------ errors


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="not found") as err:
        load_gazetteer(GazetteerSettings(path=tmp_path / "nope"))
    assert "nope" in str(err.value)


def test_missing_and_corrupt_files_are_named(tmp_path: Path) -> None:
    copy = tmp_path / "gaz"
    shutil.copytree(FIXTURE, copy)
    (copy / "names.tsv").write_text("key\tplace_id\tform\nalmaty\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="names.tsv.*MANIFEST"):
        load_gazetteer(GazetteerSettings(path=copy, world=False))
    (copy / "places.tsv").unlink()
    with pytest.raises(GazetteerError, match="places.tsv"):
        load_gazetteer(GazetteerSettings(path=copy, world=False))
    (copy / "MANIFEST.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GazetteerError, match="MANIFEST.json"):
        load_gazetteer(GazetteerSettings(path=copy, world=False))


# ------------------------------------------------------------------ user file


def test_user_csv_adds_places_and_aliases(tmp_path: Path) -> None:
    user = tmp_path / "extra.csv"
    user.write_text(
        "name,lat,lon,kind,country,admin1_id,aliases,place_id\n"
        "Republic Square,43.238,76.945,landmark,KZ,KZ-ALA,Республиканская площадь;Respublika alany,\n"
        "Zhana Uzen,,,,,,Жана Узень,geonames:607610\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer(GazetteerSettings(path=FIXTURE, world=False, user_file=user))
    (square,) = gaz.lookup("Republic Square")
    assert square.kind == "landmark" and square.place_id == "user:republic-square"
    assert gaz.lookup("Республиканской площади") == [square]  # Russian forms of user names too
    assert gaz.lookup("Жана Узень")[0].name == "Zhanaozen"
    assert [k for _, _, k in gaz.scan(normalize("rally at Republic Square"))] == ["republic square"]
    assert gaz.sha != load_gazetteer(GazetteerSettings(path=FIXTURE, world=False)).sha


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("Bad Place,95.0,10.0,,KZ,,,", "out of range"),
        ("Bad Place,43.0,ten,,KZ,,,", "could not convert"),
        ("Bad Place,43.0,10.0,,Kazakhstan,,,", "ISO alpha-2"),
        ("Bad Place,43.0,10.0,megacity,KZ,,,", "'kind'"),
        ("Alias,,,,,,,geonames:999", "unknown place_id"),
        (",43.0,10.0,,KZ,,,", "missing 'name'"),
    ],
)
def test_user_csv_bad_row_names_file_and_line(tmp_path: Path, row: str, reason: str) -> None:
    user = tmp_path / "extra.csv"
    user.write_text(
        "name,lat,lon,kind,country,admin1_id,aliases,place_id\nGood Place,43.1,76.9,,KZ,,,\n" + row + "\n",
        encoding="utf-8",
    )
    with pytest.raises(GazetteerError, match=reason) as err:
        load_gazetteer(GazetteerSettings(path=FIXTURE, world=False, user_file=user))
    assert str(err.value).startswith(f"{user}: line 3:")


def test_user_toml(tmp_path: Path) -> None:
    user = tmp_path / "extra.toml"
    user.write_text(
        '[[place]]\nname = "Akimat Square"\nlat = 43.65\nlon = 51.16\ncountry = "KZ"\n'
        'aliases = ["Площадь акимата"]\n\n[[alias]]\nname = "Aktau City"\nplace_id = "geonames:610612"\n',
        encoding="utf-8",
    )
    gaz = load_gazetteer(GazetteerSettings(path=FIXTURE, world=False, user_file=user))
    assert gaz.lookup("Akimat Square")[0].kind == "village"
    assert gaz.lookup("Aktau City")[0].admin1_id == "KZ-MAN"
    user.write_text(
        '[[place]]\nname = "Aaa"\nlat = 1\nlon = 2\ncountry = "KZ"\n\n[[place]]\nname = "Bbb"\n', "utf-8"
    )
    with pytest.raises(GazetteerError, match=r"extra.toml: line 7: an alias row needs 'place_id'"):
        load_gazetteer(GazetteerSettings(path=FIXTURE, world=False, user_file=user))


def test_user_csv_bad_header_and_missing_file(tmp_path: Path) -> None:
    user = tmp_path / "extra.csv"
    user.write_text("place,latitude\nX,1\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="line 1: header"):
        load_gazetteer(GazetteerSettings(path=FIXTURE, world=False, user_file=user))
    with pytest.raises(GazetteerError, match="not found"):
        load_gazetteer(GazetteerSettings(path=FIXTURE, world=False, user_file=tmp_path / "none.csv"))
