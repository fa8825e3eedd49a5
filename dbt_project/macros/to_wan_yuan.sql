{# Convert an amount printed in `unit` (万元 | 元) to 万元, exactly (DECIMAL).
   An unknown unit yields null: the amount is never silently assumed to be 万元. #}
{% macro to_wan_yuan(amount, unit) -%}
    cast(case {{ unit }}
        when '万元' then {{ amount }}
        when '元' then {{ amount }} / 10000
        when '亿元' then {{ amount }} * 10000
    end as decimal(24, 6))
{%- endmacro %}
