"""A deterministic synthetic corpus for benchmarks: the same articles on every machine.

Articles are in nl, fr, en, vi and zh, 300–900 words each, drawn from a Zipf distribution
over a vocabulary taken from the seed articles (and a small Chinese word list), so that
language detection sees real words. The archive's common words (China, Trump, VS, Chine,
中国…) are placed in nearly every article, as they are in a real US–China archive.
"""

import datetime
import itertools
import json
import random
import re
from collections import Counter
from pathlib import Path

from django.conf import settings

LANGUAGES = ["nl", "fr", "en", "vi", "zh"]
ZIPF_EXPONENT = 1.07
WORDS_MIN, WORDS_MAX = 300, 900
# Words a reader of this archive finds in nearly every article, per language.
COMMON = {
    "nl": ["China", "VS", "Trump", "Beijing", "handel"],
    "fr": ["Chine", "Trump", "États-Unis", "Pékin", "commerce"],
    "en": ["China", "Trump", "US", "Beijing", "trade"],
    "vi": ["Trung Quốc", "Trump", "Mỹ", "Bắc Kinh", "thương mại"],
    "zh": ["中国", "特朗普", "美国", "北京", "贸易"],
}
CHINESE_WORDS = (  # noqa: SIM905 - a word list reads better as text
    "中国 美国 特朗普 习近平 北京 华盛顿 贸易 关税 稀土 出口 管制 谈判 "
    "会谈 峰会 电话 通话 经济 市场 企业 技术 芯片 半导体 台湾 俄罗斯 "
    "乌克兰 普京 莫斯科 军事 安全 联盟 外交 部长 总统 主席 政府 官员 "
    "表示 认为 指出 宣布 发表 声明 协议 合作 竞争 冲突 紧张 局势 关系 "
    "双边 全球 供应链 投资 增长 下降 美元 人民币 农产品 大豆 农民 制裁 "
    "报复 措施 政策 问题 方面 今年 去年 上周 本周 星期四 记者 新闻 分析 "
    "专家 研究 报告 国际 地区 亚洲 欧洲 日本 韩国 东盟 吉隆坡 日内瓦 "
    "首尔 会议 代表团 领导人 讨论 达成 共识 承诺 要求 希望 可能 已经 "
    "正在 继续 进一步 重要 主要 新的 最大 目前 未来 历史 时间 情况 发展 "
    "影响 压力 的 了 和 在 是 与 对 将 也 并 但 而 就 都 这 那 其 "
    "为 被 把 从 向 以 及 等 "
).split()


def vocabulary(language):
    """Words by falling frequency, from the seed texts in that language."""
    if language == "zh":
        return CHINESE_WORDS
    texts = {
        "nl": ["000_8ff6cba9d9860a50.txt", "001_7549e6808e136bb1.txt"],
        "fr": ["002_6a7c93d591dfa45c.txt", "004_b9c731b561ac0d7c.txt"],
        "en": ["003_c5a6547c0aa22e93.txt"],
        "vi": ["004_b9c731b561ac0d7c.txt"],
    }[language]
    seeds = settings.BASE_DIR / "seeds"
    words = Counter()
    for name in texts:
        text = (seeds / name).read_text()
        if name.startswith("004"):
            # The file holds a French article, its English headline and a Vietnamese version.
            vietnamese_start = text.index("Cuộc điện đàm")
            text = text[vietnamese_start:] if language == "vi" else text[:vietnamese_start]
            text = text.replace(text.split("\n\n")[1], "") if language == "fr" else text
        words.update(w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1 or w in "ày")
    return [word for word, _ in words.most_common()]


class _Language:
    def __init__(self, code, rng):
        self.code = code
        self.words = vocabulary(code)
        weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, len(self.words) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.rng = rng

    def words_of(self, count):
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, count):
        words = self.words_of(count)
        if self.code == "zh":
            return "".join(words) + "。"
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words) + "."

    def paragraph(self, count):
        sentences, left = [], count
        while left > 0:
            length = min(left, self.rng.randint(8, 24))
            sentences.append(self.sentence(length))
            left -= length
        return ("" if self.code == "zh" else " ").join(sentences)


def articles(*, count, seed=20251122):
    """`count` article records (dicts with the JSON Lines fields), the same for a seed."""
    rng = random.Random(seed)
    languages = {code: _Language(code, rng) for code in LANGUAGES}
    start = datetime.date(2018, 1, 1)
    for number in range(count):
        language = languages[LANGUAGES[number % len(LANGUAGES)]]
        total = rng.randint(WORDS_MIN, WORDS_MAX)
        paragraphs = []
        while total > 0:
            size = min(total, rng.randint(40, 120))
            paragraphs.append(language.paragraph(size))
            total -= size
        # Nearly every article names the archive's common subjects somewhere.
        common = COMMON[language.code]
        if rng.random() < 0.97:
            position = rng.randrange(len(paragraphs))
            joiner = "" if language.code == "zh" else " "
            paragraphs[position] = joiner.join([*common[:3], paragraphs[position]])
        headline = language.sentence(rng.randint(5, 10)).rstrip(".。")
        day = start + datetime.timedelta(days=rng.randrange(3200))
        yield {
            "id": f"synthetic-{number}",
            "title": headline,
            "body": "\n\n".join(paragraphs),
            "date": day.isoformat() if number % 10 else day.strftime("%Y-%m"),
            "source": f"Synthetic {number % 7}",
        }


def write_jsonl(path, *, count, seed=20251122, records=None):
    """Write the corpus as JSON Lines, `records(count=, seed=)` (by default `articles`, the
    search corpus); regenerated only when missing or of another size."""
    records = records or articles
    path = Path(path)
    marker = path.with_suffix(".count")
    if path.exists() and marker.exists() and marker.read_text() == f"{count} {seed}":
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records(count=count, seed=seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    marker.write_text(f"{count} {seed}")
    return path
