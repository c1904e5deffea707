"""workreport.toml: defaults, overrides, clear errors."""

from __future__ import annotations

import pytest

from workreport.config import load_config
from workreport.errors import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "workreport.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_activities_are_added_to_the_default_vocabulary(tmp_path):
    config = load_config(
        write(tmp_path, '[activities]\n"廉政教育基地参观" = "次"\n"走访单位" = "家"\n')
    )
    assert config.activities["廉政教育基地参观"] == "次"
    assert config.activities["走访单位"] == "家"  # a unit changed
    assert config.activities["问卷调查"] == "份"  # the rest kept


def test_a_measure_listed_under_another_form_moves_there(tmp_path):
    config = load_config(write(tmp_path, '[forms]\n"第三种形态" = ["降职"]\n'))
    assert config.forms["降职"] == "第三种形态"
    assert config.forms["记过"] == "第二种形态"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[report]\ntemplates = 5\n", "[report] templates 应为文字"),
        ('[report]\norganisation = ["a", "b"]\n', "[report] organisation 应为文字"),
        ("[style]\nbody_font = { a = 1 }\n", "[style] body_font 应为字体名"),
        ('[report]\nperiod = "2022H3"\n', "无法识别统计期间「2022H3」"),
        ("[report\n", "配置文件格式错误"),
    ],
)
def test_a_bad_value_is_a_clear_configuration_error(tmp_path, text, message):
    with pytest.raises(Exception) as caught:
        load_config(write(tmp_path, text))
    assert message in str(caught.value)
    assert caught.value.exit_code == 2


def test_unknown_keys_are_warned_not_fatal(tmp_path):
    config = load_config(write(tmp_path, '[report]\ntitel = "x"\n[extra]\na = 1\n'))
    assert [(w.code, w.message) for w in config.warnings] == [
        ("W285", "[report] 中未知的键 titel，已忽略"),
        ("W285", "未知的配置节 [extra]，已忽略"),
    ]


def test_config_error_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        load_config(write(tmp_path, "[report]\ntemplates = 5\n"))
