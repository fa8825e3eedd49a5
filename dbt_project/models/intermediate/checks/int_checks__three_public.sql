{# grain: one row per 三公 table × identity × column: parts add up to the 小计
   (else 合计), 公务用车 = 购置 + 运行维护, 出国 = its parts, 合计 = 小计.
   inputs: int_budget_cells_classified. An identity is checked where any of its
   lines is printed in that column; blank cells are zero.
   A table printing the items as columns (江苏's 预算, the 上海 决算: one row, 因公出国（境）费 |
   公务用车… | 公务接待费, a 决算 with 预算数 and 决算数 under each) is turned into item lines
   first, its measure the part after the item (amount, budget_initial). Its 合计 column is
   三公 + 会议费 + 培训费 where those are printed beside, so it is then left out. #}
with printed as (
    select * from {{ ref('int_budget_cells_classified') }}
    where table_code = 'three_public_expense'
        and {{ rebuilt_here() }}
),

items_as_columns as (
    select
        *,
        subject_key = 'balance:total' and split_part(measure, ':', 1) in (
            'total', 'three_public_total', 'abroad', 'abroad_research', 'abroad_other', 'vehicle',
            'vehicle_purchase', 'vehicle_operation', 'reception'
        ) as is_item_column,
        bool_or(measure in ('meeting', 'training')) over (partition by document_id, table_seq) as prints_meetings
    from printed
),

cells as (
    select
        * exclude (subject_key, measure, is_item_column, prints_meetings),
        case
            when not is_item_column then subject_key
            when split_part(measure, ':', 1) = 'three_public_total' then 'three_public:subtotal'
            else 'three_public:' || split_part(measure, ':', 1)
        end as subject_key,
        case when is_item_column then coalesce(nullif(split_part(measure, ':', 2), ''), 'amount') else measure end
            as measure
    from items_as_columns
    where not (is_item_column and split_part(measure, ':', 1) = 'total' and prints_meetings)
),

by_column as (
    select
        document_id, table_seq, scope, unit_code, measure,
        any_value(amount_unit) as amount_unit,
        sum(amount_wan) filter (where subject_key = 'three_public:total') as total,
        sum(amount_wan) filter (where subject_key = 'three_public:subtotal') as subtotal,
        sum(amount_wan) filter (where subject_key = 'three_public:abroad') as abroad,
        sum(amount_wan) filter (where subject_key = 'three_public:abroad_research') as abroad_research,
        sum(amount_wan) filter (where subject_key = 'three_public:abroad_other') as abroad_other,
        sum(amount_wan) filter (where subject_key = 'three_public:vehicle') as vehicle,
        sum(amount_wan) filter (where subject_key = 'three_public:vehicle_purchase') as vehicle_purchase,
        sum(amount_wan) filter (where subject_key = 'three_public:vehicle_operation') as vehicle_operation,
        sum(amount_wan) filter (where subject_key = 'three_public:reception') as reception,
        min(source_line) filter (where subject_key = 'three_public:total') as total_line,
        min(source_line) filter (where subject_key = 'three_public:subtotal') as subtotal_line,
        min(source_line) filter (where subject_key = 'three_public:abroad') as abroad_line,
        min(source_line) filter (where subject_key like 'three_public:abroad_%') as abroad_parts_line,
        min(source_line) filter (where subject_key = 'three_public:vehicle') as vehicle_line,
        min(source_line) filter (where subject_key like 'three_public:vehicle_%') as vehicle_parts_line,
        min(source_line) filter (where subject_key in ('three_public:abroad', 'three_public:vehicle', 'three_public:reception')) as parts_line
    from cells
    group by all
    -- a column with no 三公 line (会议费, 培训费 printed beside) has nothing to add up
    having count(*) filter (where subject_key like 'three_public:%') > 0
),

instances as (
    select
        'three_public_parts' as rule_id, * exclude (total_line, subtotal_line, abroad_line, abroad_parts_line, vehicle_line, vehicle_parts_line, parts_line), 'three_public:' || case when subtotal is not null then 'subtotal' else 'total' end as subject_key,
        coalesce(subtotal, total, 0) as lhs,
        coalesce(abroad, 0) + coalesce(vehicle, 0) + coalesce(reception, 0) as rhs, 4 as n_terms,
        coalesce(subtotal_line, total_line, parts_line) as source_line
    from by_column
    union all
    select
        'three_public_vehicle', * exclude (total_line, subtotal_line, abroad_line, abroad_parts_line, vehicle_line, vehicle_parts_line, parts_line), 'three_public:vehicle',
        coalesce(vehicle, 0), coalesce(vehicle_purchase, 0) + coalesce(vehicle_operation, 0), 3,
        coalesce(vehicle_line, vehicle_parts_line)
    from by_column
    where coalesce(vehicle, vehicle_purchase, vehicle_operation) is not null
    union all
    select
        'three_public_abroad', * exclude (total_line, subtotal_line, abroad_line, abroad_parts_line, vehicle_line, vehicle_parts_line, parts_line), 'three_public:abroad',
        coalesce(abroad, 0), coalesce(abroad_research, 0) + coalesce(abroad_other, 0), 3,
        coalesce(abroad_line, abroad_parts_line)
    from by_column
    where coalesce(abroad_research, abroad_other) is not null
    union all
    select
        'three_public_subtotal', * exclude (total_line, subtotal_line, abroad_line, abroad_parts_line, vehicle_line, vehicle_parts_line, parts_line), 'three_public:total',
        coalesce(total, 0), coalesce(subtotal, 0), 2,
        coalesce(total_line, subtotal_line)
    from by_column
    where subtotal is not null and total is not null
),

final as (
    select
        rule_id, document_id, table_seq, 'three_public_expense' as table_code, scope, unit_code,
        cast(null as varchar) as side, 0 as row_seq, subject_key as line_label, subject_key, measure,
        amount_unit, lhs, rhs, n_terms, source_line,
        cast(null as varchar) as detail, cast(null as varchar) as missing_input
    from instances
)

{{ rule_check_rows('final') }}
