## Messages of the command line (school-bot …), read by coordinators and administrators.

cli-settings-error = Не удалось прочитать настройки: { $problems }
cli-settings-hint = Проверьте переменные окружения или файл .env (образец — .env.example).
cli-db-upgraded = База данных обновлена до версии { $revision }.
cli-db-downgraded = База данных возвращена к версии { $revision }.
cli-db-current = Версия базы данных: { $revision }. Последняя версия: { $head }.
cli-db-empty = база данных пуста
cli-stopped = Бот остановлен.
