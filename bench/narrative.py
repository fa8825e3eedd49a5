"""Narrative part (情况说明) of a synthetic disclosure, as layout-neutral blocks.

Blocks: ``("heading", text, bookmarked)``, ``("para", text)``, ``("raw", text)``
(printed as is), ``("table", rows)``, ``("perf", title, goals, rows)`` and
``("page",)``.  Headline figures are quoted with the phrases the samples use
(``…年预算收入 657.82万元，其中：一般公共预算收入 657.82万元``, ``…“三公”经费预算
安排 2.14万元，其中因公出国（境）费 0.00万元；…``), so a reader can find them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from vocab import GLOSSARY, OVERALL_GOALS, SAFEGUARDS

CN_NUM = "一二三四五六七八九十"
INTRO = (
    "按照《预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的实施意见》规定，"
    "现将{dept}{s}{year}年部门预算公开如下："
)
COMPREHENSIVE = (
    "按照预算管理有关规定，目前我省部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。"
    "{dept}机关及所属事业单位的收支包含在部门预算中。"
)


@dataclass
class Context:
    """Everything the narrative needs; amounts are integer hundredths of 万元."""

    layout: str
    dept: str
    abbr: str
    year: int
    lvl: str
    duties: tuple[str, ...]
    units: list[tuple[str, str, str, str]]
    projects: list[tuple[str, int, str]]
    public_items: list[str]
    figures: dict[str, int]
    prev: dict[str, int]
    purchases: list[tuple[str, str, str, int, int, int]]
    assets: dict[str, int]
    n_perf: int
    extra_goals: int
    compact: bool
    rng: random.Random = field(repr=False)

    @property
    def s(self) -> str:
        """Space that pdftotext puts around numbers ('' in the DOCX layout)."""
        return " " if self.layout == "pdf_text" else ""

    def m(self, value: int) -> str:
        """Money as printed in running text."""
        if value == 0 and self.layout == "docx_text":
            return "0"
        return f"{value // 100}.{value % 100:02d}"


def _fill(text: str, ctx: Context) -> str:
    congress = "党的二十大精神" if ctx.year >= 2023 else "党的十九大和十九届历次全会精神"
    return text.format(lvl=ctx.lvl, abbr=ctx.abbr, dept=ctx.dept, year=ctx.year, congress=congress)


def _change(delta: int, ctx: Context) -> str:
    if delta == 0:
        return "持平"
    word = "增加" if delta > 0 else "减少"
    return f"{word}{ctx.s}{ctx.m(abs(delta))}{ctx.s}万元"


def duties(ctx: Context) -> list[tuple]:
    """一、部门职责及机构设置情况."""
    numbered = ctx.rng.random() < 0.5
    out: list[tuple] = [("heading", "一、部门职责及机构设置情况", True), ("para", "部门职责：")]
    for k, duty in enumerate(ctx.duties[: 5 if ctx.compact else None]):
        mark = f"（{_cn(k + 1)}）" if numbered else f"{k + 1}、"
        out.append(("para", mark + _fill(duty, ctx)))
    rows = [["单位名称", "单位性质", "单位规格", "经费保障形式"], *[list(u) for u in ctx.units]]
    out += [("para", "机构设置："), ("para", "部门机构设置情况"), ("table", rows)]
    return out


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n - 1]
    return "十" + CN_NUM[n - 11]


def overview(ctx: Context) -> list[tuple]:
    """二、部门预算安排的总体情况 with 收入/支出/基本/项目/人员/公用 figures."""
    f, s, m, y = ctx.figures, ctx.s, ctx.m, ctx.year
    income = (
        f"反映本部门当年全部收入。{y}{s}年预算收入{s}{m(f['预算收入'])}万元，"
        f"其中：一般公共预算收入{s}{m(f['一般公共预算收入'])}万元"
    )
    if "事业收入" in f:
        income += f"，事业收入{s}{m(f['事业收入'])}万元"
    if "上年结转结余" in f:
        income += f"，上年结转结余{s}{m(f['上年结转结余'])}万元"
    names = "、".join(p[0] for p in ctx.projects[:6])
    spend = (
        f"收支预算总表支出表、基本支出表、项目支出表按经济分类和支出功能分类科目编制，反映{ctx.dept}"
        f"年度部门预算中支出预算的总体情况。{y}{s}年支出预算{s}{m(f['支出预算'])}万元，其中基本支出"
        f"{s}{m(f['基本支出'])}万元，包括人员经费{s}{m(f['人员经费'])}万元和日常公用经费"
        f"{s}{m(f['日常公用经费'])}万元；项目支出{s}{m(f['项目支出'])}万元"
        + (f"，主要为{names}等。" if names else "。")
    )
    p = ctx.prev
    change = (
        f"{y}年预算收支安排{s}{m(f['支出预算'])}万元，较{s}{y - 1}{s}年预算{_change(p['total'], ctx)}，"
        f"其中：基本支出{_change(p['basic'], ctx)}，主要为人员经费和日常公用经费调整；"
        f"项目支出{_change(p['project'], ctx)}，主要为年度重点工作任务变化。"
    )
    return [
        ("heading", "二、部门预算安排的总体情况", True),
        ("para", COMPREHENSIVE.format(dept=ctx.dept)),
        ("para", f"1、{s}收入说明"),
        ("para", income + "。"),
        ("para", f"2、{s}支出说明"),
        ("para", spend),
        ("para", f"3、{s}比上年增减情况"),
        ("para", change),
    ]


def running_costs(ctx: Context) -> list[tuple]:
    """三、机关运行经费 and 四、“三公”经费."""
    f, s, m, y = ctx.figures, ctx.s, ctx.m, ctx.year
    items = "、".join(ctx.public_items[:12]) or "办公费、差旅费"
    admin = f"机关运行经费共计安排{s}{m(f['机关运行经费'])}万元，主要用于购买货物和服务的各项资金，包括{items}等。"
    if ctx.rng.random() < 0.4:
        admin = f"{y}年，我部门运行经费共计安排{s}{m(f['机关运行经费'])}万元，主要用于{items}等日常运行支出。"
    running = ctx.rng.choice(("公务用车运行费", "公务用车运维费"))
    sangong = (
        f"{y}年，{ctx.dept}财政拨款“三公”经费预算安排{s}{m(f['三公经费'])}万元，其中因公出国（境）费"
        f"{s}{m(f['因公出国（境）费'])}万元；公务用车购置及运维费{s}{m(f['公务用车购置及运维费'])}万元"
        f"（其中：公务用车购置费为{s}{m(f['公务用车购置费'])}万元，{running}{s}"
        f"{m(f['公务用车运行费'])}万元)；公务接待费{s}{m(f['公务接待费'])}万元。"
        f"与上年相比{_change(ctx.prev['sangong'], ctx)}，主要原因是严格执行中央八项规定精神，从严控制“三公”经费支出。"
    )
    return [
        ("heading", "三、机关运行经费安排情况", True),
        ("para", admin),
        ("heading", "四、财政拨款“三公”经费预算情况及增减变化原因", True),
        ("para", sangong),
    ]


def _indicators(ctx: Context, activity: str, amount: int) -> list[list[str]]:
    rng, y, basis = ctx.rng, ctx.year, f"{ctx.abbr}{ctx.year}年工作计划"
    rows = [
        ["产出指标", "数量指标", f"{activity}次数", f"开展{activity}次数", f"≥{rng.randint(2, 60)}次", basis],
        ["", "数量指标", "覆盖人数", f"{activity}覆盖人数", f"≥{rng.randint(2, 90) * 100}人次", basis],
        ["", "质量指标", "任务完成率", f"按计划完成{activity}的比例", "100%", basis],
        ["", "质量指标", "资金使用合规率", "资金使用符合财经制度规定", "100%", "财务管理制度"],
        ["", "时效指标", "完成时间", f"{activity}完成时间", f"{y}年12月底前", basis],
        ["", "成本指标", "预算总成本", "项目预算控制数", f"≤{ctx.m(amount)}万元", f"{y}年预算测算"],
        ["效益指标", "社会效益指标", "服务能力", f"通过{activity}提升公共服务水平", "有效提升", "上年工作经验"],
        ["", "可持续影响指标", "长效机制", "建立健全长效工作机制", "持续发挥作用", basis],
        [
            "满意度指标",
            "服务对象满意度指标",
            "服务对象满意度",
            f"服务对象对{activity}的满意度",
            f"≥{rng.randint(85, 98)}%",
            "满意度调查",
        ],
    ]
    if rng.random() < 0.5:
        del rows[1]
    return rows


def performance(ctx: Context) -> list[tuple]:
    """五、预算绩效信息 with per-project 绩效目标表."""
    goals = ctx.rng.sample(OVERALL_GOALS, min(len(OVERALL_GOALS), 4 + ctx.extra_goals))
    out: list[tuple] = [
        ("heading", "五、预算绩效信息", True),
        ("page",),
        ("para", "第一部分 部门整体绩效目标"),
        ("para", "一、总体绩效目标"),
        *[("para", _fill(g, ctx)) for g in goals],
        ("para", "二、工作保障措施"),
        *[("para", f"{k + 1}、{t}") for k, t in enumerate(SAFEGUARDS[: 2 if ctx.compact else None])],
        ("page",),
        ("raw", "第二部分  预算项目绩效目标"),
    ]
    for k, (name, amount, activity) in enumerate(ctx.projects[: ctx.n_perf]):
        goal = [
            f"1.通过开展{activity}，完成年度重点工作任务。",
            f"2.规范使用项目资金{ctx.m(amount)}万元，提高资金使用效益。",
        ]
        out.append(("perf", f"{k + 1}、{name}绩效目标表", goal, _indicators(ctx, activity, amount)))
    return out


def purchases(ctx: Context) -> list[tuple]:
    """六、政府采购预算情况."""
    total = sum(p[5] for p in ctx.purchases)
    s, y = ctx.s, ctx.year
    if not total:
        return [("heading", "六、政府采购预算情况", True), ("para", f"{y}年，{ctx.dept}未安排政府采购预算。")]
    rows = [["采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价", "金额"]]
    rows += [[n, c, u, str(q), ctx.m(p), ctx.m(a)] for n, c, u, q, p, a in ctx.purchases]
    rows.append(["合计", "", "", "", "", ctx.m(total)])
    out = [
        ("heading", "六、政府采购预算情况", True),
        ("para", f"{y}年，{ctx.dept}安排政府采购预算{s}{ctx.m(total)}万元。具体内容见下表。"),
        ("para", "部门政府采购预算"),
        ("table", rows),
        ("para", "注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。"),
    ]
    return out[:2] if ctx.compact else out


def assets(ctx: Context) -> list[tuple]:
    """七、国有资产信息 and the closing sections."""
    a, s, m = ctx.assets, ctx.s, ctx.m
    total = a["house"] + a["cars"] + a["other"]
    rows = [
        ["项   目", "数量", "价值（金额单位：万元）"],
        ["资产总额", "——", m(total)],
        ["1、房屋（平方米）", str(a["area"]), m(a["house"])],
        ["其中：办公用房（平方米）", str(a["office_area"]), m(a["office"])],
        ["2、车辆（台、辆）", str(a["n_cars"]), m(a["cars"])],
        ["3、单价在 20 万元以上的设备", "——", "0"],
        ["4、其他固定资产", str(a["n_other"]), m(a["other"])],
    ]
    return [
        ("heading", "七、国有资产信息", True),
        (
            "para",
            f"{ctx.dept}（含所属单位）上年末固定资产金额为{s}{m(total)}万元（详见下表）。"
            f"本年度拟购置固定资产总额为{s}{m(a['purchase'])}万元。",
        ),
        ("para", "部门固定资产占用情况表"),
        ("table", rows),
        ("heading", "八、名词解释", True),
        *[("para", f"{k + 1}、{_fill(g, ctx)}") for k, g in enumerate(GLOSSARY[: 6 if ctx.compact else None])],
        ("heading", "九、其他需要说明的事项", True),
        ("para", "我部门无其他需要说明的事项。"),
    ]


def build(ctx: Context) -> list[tuple]:
    """All narrative blocks, in the order of the samples."""
    s = ctx.s
    head = f"{ctx.dept}{s}{ctx.year}{s}年部门预算信息公开情况说明"
    intro = INTRO.format(dept=ctx.dept, s=s, year=ctx.year)
    return [
        ("page",),
        ("heading", head, False),
        ("para", intro),
        *duties(ctx),
        *overview(ctx),
        *running_costs(ctx),
        *performance(ctx),
        ("page",),
        *purchases(ctx),
        *assets(ctx),
    ]
