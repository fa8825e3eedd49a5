{# Strip what a printed line label carries besides its name: an ordinal prefix
   (一、 / （一） / 1、), 其中：, white space. "六、科学技术支出" → "科学技术支出". #}
{% macro normalise_label(label) -%}
    regexp_replace(
        regexp_replace(
            regexp_replace(coalesce({{ label }}, ''), '\s', '', 'g'),
            '^(其中[:：])?([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|[0-9]+[、.])?', ''),
        '^其中[:：]', '')
{%- endmacro %}
