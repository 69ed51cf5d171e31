"""Case-store benchmark: autosave, open, newest-50 and search timings over large histories, and a long kill loop.

    python benchmarks/cases_bench.py                   # history sizes 0, 10000, 50000
    python benchmarks/cases_bench.py --sizes 50000
    python benchmarks/cases_bench.py --kill-runs 2000  # prints: unreadable=0 lost_acked=0 runs=2000

One line per metric and size, e.g. `autosave_p95_ms history=50000: 4.2`. Targets: autosave p95
<= 15 ms and open <= 300 ms and newest 50 <= 50 ms, all with 50,000 cases in history.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "core" / "cases"))

from agentui.core.cases.atomic import atomic_write, ensure_private_dir  # noqa: E402
from agentui.core.cases.layout import HISTORY_TABLE, StorePaths  # noqa: E402
from agentui.core.cases.model import Disposition  # noqa: E402
from agentui.core.cases.opening import open_store  # noqa: E402
from agentui.core.cases.reader import read_history  # noqa: E402
from agentui.core.cases.storage import dump_tables  # noqa: E402

PHRASES = (
    "客户来电称其MTS号码的eSIM在更换手机后无法使用，需要补办。",
    "已按流程核实身份：姓名、护照后四位、最近一次充值金额。",
    "告知补卡费用为300卢布，可在线支付，处理时间约一至三个工作日。",
    "客户询问能否保留原号码，已说明保号卡的办理条件与所需材料。",
    "客户对等待时间表示不满，已致歉并说明高峰期排队情况。", "建议客户先备份通讯录和短信，再进行eSIM注销。",
    "客户人在中国，无法前往线下营业厅，已介绍线上办理的步骤。", "二维码已发送至客户邮箱，请客户在WiFi环境下扫描激活。",
    "客户的套餐余额为1250卢布，注销后余额退还需另行申请。", "已提醒客户注意：激活过程中不要关闭手机或切换网络。",
    "客户确认收到短信验证码，激活成功，信号正常。", "转交二线技术支持处理，工单号已告知客户，预计二十四小时内回电。",
)  # fmt: skip
NAMES = ("王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴昊", "Иван Петров", "Анна Смирнова")
OPERATORS = ("mts", "megafon", "beeline", "tele2")
DISPOSITIONS = [d.value for d in Disposition]
ARTICLES = ("esim-replacement", "esim-activation", "faq-replacement-fee", "faq-replacement-duration", "contact-mts")
MONTHS = 24


def realistic_case(rng: random.Random, month: str, index: int) -> dict:
    day, hour, minute = rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
    opened = f"{month}-{day:02d}T{hour:02d}:{minute:02d}:00+00:00"
    notes, size = [], 0
    while size < 1000:  # ~1 KB of UTF-8 Chinese notes
        phrase = rng.choice(PHRASES)
        notes.append(phrase)
        size += len(phrase.encode())
    duration = rng.randint(60, 1800)
    suffix = "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(4))
    return {
        "id": f"C{month[2:4]}{month[5:7]}{day:02d}-{hour:02d}{minute:02d}-{suffix}",
        "opened_at": opened,
        "caller": {"name": rng.choice(NAMES), "phone": f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-"
                   f"{rng.randint(10, 99)}-{rng.randint(10, 99)}", "operator": rng.choice(OPERATORS)},
        "category": rng.choice(("补卡", "eSIM 激活", "续费", "注销")),
        "notes": "\n".join(notes),
        "steps": {"esim-replacement": sorted(rng.sample(range(1, 8), 3))},
        "articles": rng.sample(ARTICLES, 2),
        "scripts": ["script-greeting", "script-closing"],
        "closed_at": opened,  # close times do not matter to any timing here
        "disposition": rng.choice(DISPOSITIONS),
        "summary": rng.choice(PHRASES),
        "duration_s": duration,
    }


def build_history(data_dir: Path, size: int) -> None:
    """Write `size` closed cases spread over the last 24 months, straight into month files."""
    rng = random.Random(size)
    paths = StorePaths(data_dir)
    for directory in (data_dir, paths.cases_dir, paths.history_dir):
        ensure_private_dir(directory)
    per_month = [size // MONTHS + (1 if m < size % MONTHS else 0) for m in range(MONTHS)]
    for back, count in enumerate(per_month):
        year, month0 = divmod(2026 * 12 + 10 - back, 12)
        month = f"{year}-{month0 + 1:02d}"
        cases = [realistic_case(rng, month, i) for i in range(count)]
        cases.sort(key=lambda case: case["opened_at"])
        if cases:
            table = {str(i + 1): case for i, case in enumerate(cases)}
            atomic_write(paths.partition(month), dump_tables({HISTORY_TABLE: table}))


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def report(metric: str, size: int, value: float) -> None:
    print(f"{metric} history={size}: {value:.1f}", flush=True)


def bench_size(size: int, root: Path) -> None:
    data_dir = root / f"history-{size}"
    build_history(data_dir, size)

    opens, newest = [], []
    for _ in range(5):
        holder: list = []
        opens.append(timed(lambda holder=holder: holder.append(open_store(data_dir))))
        store = holder[0]
        newest.append(timed(lambda store=store: store.history(limit=50)))
        store.close_store()
    report("open_ms", size, statistics.median(opens))
    report("newest50_ms", size, statistics.median(newest))

    store = open_store(data_dir)
    store.open_case()
    notes = "\n".join(PHRASES)  # ~1 KB active case, edited a few characters at a time
    saves = []
    for n in range(400):
        notes += "客户补充说明。" if n % 2 else "好"
        saves.append(timed(lambda notes=notes: store.update(notes=notes)))
    report("autosave_p50_ms", size, percentile(saves, 50))
    report("autosave_p95_ms", size, percentile(saves, 95))

    closes = []
    for _ in range(10):
        closes.append(timed(lambda: store.close(Disposition.RESOLVED, "已解决")))
        store.open_case()
        store.update(notes=notes)
    report("close_p50_ms", size, statistics.median(closes))
    store.close_store()

    reopens = []
    for _ in range(5):  # a restart in the middle of a call: the active case is checked against history
        holder.clear()
        reopens.append(timed(lambda: holder.append(open_store(data_dir))))
        holder[0].close_store()
    report("open_with_active_case_ms", size, statistics.median(reopens))

    store = open_store(data_dir)  # searches on a fresh store: nothing parsed yet
    report("search_hit_ms", size, timed(lambda: store.history(text="二维码", limit=50)))
    report("search_miss_ms", size, timed(lambda: store.history(text="不存在的词", limit=50)))
    report("search_operator_ms", size, timed(lambda: store.history(operator="tele2", disposition="other")))
    store.close_store()
    report("export_read_all_ms", size, timed(lambda: read_history(data_dir)))


def kill_runs(runs: int, root: Path) -> None:
    import crashloop

    start = time.perf_counter()
    audit = crashloop.crash_loop(root / "kill-loop", runs, seed=runs)
    for problem in audit.problems[:20]:
        print(problem, file=sys.stderr)
    print(audit.summary())
    print(f"kill loop took {time.perf_counter() - start:.0f} s", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,10000,50000", help="comma-separated history sizes")
    parser.add_argument("--kill-runs", type=int, metavar="N", help="run the SIGKILL loop N times instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cases-bench-") as tmp:
        if args.kill_runs:
            kill_runs(args.kill_runs, Path(tmp))
            return 0
        for size in (int(s) for s in args.sizes.split(",")):
            bench_size(size, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
