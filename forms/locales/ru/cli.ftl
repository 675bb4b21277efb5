## Messages of the command line (school-bot …), read by coordinators and administrators.

cli-settings-error = Не удалось прочитать настройки: { $problems }
cli-run-another-process = Бот уже запущен с этой базой данных (процесс { $holder }). Без Redis разговоры хранятся в базе, и работать с ней может только один процесс бота. Остановите первый процесс или, чтобы запустить несколько, задайте REDIS_URL (см. README, «Redis and several instances»).
cli-settings-hint = Проверьте переменные окружения или файл .env (образец — .env.example).
settings-problem = { $name }: { $reason }
settings-missing = не задано
settings-no-pseudonym-key = не задан ключ псевдонимов. Задайте PSEUDONYM_KEY (или BOT_TOKEN, из которого он выводится)
settings-token-shape = не похоже на токен от @BotFather (цифры, двоеточие и секрет)
settings-ids = нужны числовые id Telegram через запятую или пробел
settings-days = нужны числа дней до срока через запятую, например «3, 1» (не больше 60)
settings-no-folder = папки «{ $path }» нет
settings-no-file = файла «{ $path }» нет
settings-timezone = неизвестный часовой пояс «{ $value }», например: Europe/Moscow
settings-webhook-secret = нужно от 1 до 256 символов: латинские буквы, цифры, _ и -
settings-webhook-needs-secret = WEBHOOK_URL: для режима webhook задайте и WEBHOOK_SECRET (секрет, который Telegram присылает в заголовке)
settings-integer = нужно целое число
settings-number = нужно число
settings-greater-than = нужно число больше { $limit }
settings-at-least = нужно число не меньше { $limit }
settings-less-than = нужно число меньше { $limit }
settings-at-most = нужно число не больше { $limit }
settings-one-of = допустимо одно из значений: { $expected }
settings-url = нужен адрес вида https://…
settings-invalid = значение не подходит
cli-db-upgraded = База данных обновлена до версии { $revision }.
cli-db-downgraded = База данных возвращена к версии { $revision }.
cli-db-current = Версия базы данных: { $revision }. Последняя версия: { $head }.
cli-db-empty = база данных пуста
cli-stopped = Бот остановлен.
cli-forms-ok = Ошибок нет: формы можно загружать в бота.
cli-forms-problems = { $count ->
    [one] Найдена { $count } ошибка.
    [few] Найдено { $count } ошибки.
   *[many] Найдено { $count } ошибок.
} Исправьте их и проверьте файлы ещё раз.
cli-forms-written = Анкета сохранена в { $path }. Проверьте её и положите в папку анкет (FORMS_DIR).
cli-schools-imported = Справочник загружен: муниципалитетов — { $municipalities }, школ — { $schools } (новых — { $created }, обновлено — { $updated }). Статусы ШНОР и ШНСУ сохранены за { $year } учебный год.
cli-schools-bad-year = Учебный год «{ $year }» не распознан. Напишите его так: 2026/27.
cli-schools-refused = Справочник не загружен: исправьте ошибки и загрузите файл ещё раз. В базе ничего не изменилось.
table-error-type = Нужна таблица Excel (.xlsx) или CSV, а у файла расширение «{ $suffix }». Старый формат .xls сохраните в Excel как «Книга Excel (.xlsx)».
table-error-encoding = Не удалось прочитать текст файла. Сохраните его в Excel как «CSV UTF-8 (разделитель — запятая)» или как «Книга Excel (.xlsx)».
table-error-unreadable = Не удалось открыть файл Excel: он повреждён или защищён паролем. Сохраните его заново как «Книга Excel (.xlsx)».
directory-error-empty = Файл пуст: нужна строка заголовков и строки школ.
directory-error-missing-column = Нет столбца «{ $column }».
directory-error-empty-cell = Ячейка пуста, а она обязательна.
directory-error-too-long = Слишком длинное значение: можно не больше { $max } знаков.
directory-error-flag = Непонятное значение «{ $value }»: напишите «да» или «нет».
directory-error-count = Непонятное число педагогов «{ $value }»: напишите целое число, например 45, или оставьте пустым.
directory-error-duplicate = Код школы «{ $code }» уже встречался в строке { $row }.
slots-error-empty = Файл пуст: нужна строка заголовков «Дата», «Время» и строки со временем.
slots-error-columns = Нужны столбцы «Дата» и «Время».
slots-error-row = Не удалось прочитать дату или время. Дата — ДД.ММ.ГГГГ, время — ЧЧ:ММ.
slots-error-past = Это время уже прошло.
cli-slots-refused = Расписание не загружено: исправьте ошибки и загрузите файл ещё раз. В базе ничего не изменилось.
cli-slots-not-consultant = Пользователь { $id } не консультант. Сначала пригласите его командой /invite.
cli-slots-imported = Расписание загружено: добавлено { $added }, уже было { $skipped }.
cli-export-bad-date = «{ $value }» — не дата. Напишите ДД.ММ.ГГГГ, например 01.09.2025.
cli-export-unknown-municipality = Муниципалитета с кодом «{ $code }» нет в справочнике.
cli-export-unknown-school = Школы с кодом «{ $code }» нет в справочнике.
cli-export-progress = Выгрузка
cli-export-done = Реестр сохранён в { $path }, строк: { $rows }.
cli-export-done-anonymous = Обезличенный реестр сохранён в { $path }, строк: { $rows }.
cli-export-form-or-summary = Укажите что-то одно: реестр анкеты (--form ID) или сводку (--summary).
cli-export-register-only = Для сводки можно указать только --from, --to, --municipality и --anonymous: сводка и так обезличена.
cli-export-summary-done = Сводка сохранена в { $path }, учтено ответов: { $rows }.
