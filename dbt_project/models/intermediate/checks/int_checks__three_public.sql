{# grain: one row per 三公 table × identity × column: parts add up to the 小计
   (else 合计), 公务用车 = 购置 + 运行维护, 出国 = its parts, 合计 = 小计.
   inputs: int_budget_cells_classified. An identity is checked where any of its
   lines is printed in that column; blank cells are zero. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
    -- These identities are the 预算 tables'; 决算 tables balance differently
    -- (年初结转和结余, 结余分配, 使用非财政拨款结余) and get rules of their own.
    where table_code = 'three_public_expense'
        and phase is distinct from 'final'
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
    where subtotal is not null
),

final as (
    select
        rule_id, document_id, table_seq, 'three_public_expense' as table_code, scope, unit_code,
        cast(null as varchar) as side, 0 as row_seq, subject_key as line_label, subject_key, measure,
        amount_unit, lhs, rhs, n_terms, source_line,
        cast(null as varchar) as detail, cast(null as varchar) as missing_input
    from instances
)

select * from final
