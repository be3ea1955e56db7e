DROP TABLE account_languages;
