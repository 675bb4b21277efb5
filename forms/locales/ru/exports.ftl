## Column titles and sheet names of the Excel files.
audit-sheet = Журнал
audit-column-at = Время
audit-column-actor = Кто (id в Telegram)
audit-column-action = Действие
audit-column-details = Подробности
audit-action-invitation_created = Создано приглашение
audit-action-invitation_used = Использовано приглашение
audit-action-role_revoked = Роль отозвана
audit-action-consent_given = Дано согласие на обработку данных
audit-action-data_erased = Удалены персональные данные
audit-action-data_requested = Выгружены свои данные
audit-action-audit_downloaded = Выгружен журнал действий
audit-action-retention_erased = Удалены данные по сроку хранения

## Cells of every register and summary.
register-cut-mark = … (обрезано)
register-yes = Да
register-no = Нет

## The register of a form: sheets and columns.
register-sheet = Реестр
register-sheet-reference = Справочник
register-sheet-about = О выгрузке
register-column-number = №
register-column-sent-at = Время отправки
register-column-status = Статус
register-column-version = Версия анкеты
register-column-respondent = Респондент
register-column-telegram-id = ID в Telegram
register-column-pseudonym = Код респондента
register-column-in-section = { $section }: { $label }
register-column-municipality = { $label } — муниципалитет
register-column-option = { $label }: { $option }
register-column-untitled = Столбец { $number }
register-option-other = Другое
register-other = Другое: { $text }
register-other-hidden = Другое (свой вариант)

## Statuses of submissions and of the workflows built on them.
register-status-draft = Черновик
register-status-submitted = Отправлена
register-status-new = Новая
register-status-scheduled = Назначена
register-status-held = Проведена
register-status-cancelled = Отменена
register-status-no_show = Не пришли
register-status-pending = Ждёт подтверждения
register-status-active = Действует
register-status-completed = Завершена
register-status-dissolved = Расторгнута

## The «Справочник» sheet: what each column of the register is.
register-reference-column = Столбец
register-reference-question = Вопрос или описание
register-reference-section = Раздел
register-reference-kind = Тип
register-reference-allowed = Допустимые значения
register-reference-required = Обязательный
register-reference-versions = Есть в версиях
register-about-number = Порядковый номер ответа
register-about-sent-at = Когда ответ отправлен (местное время)
register-about-status = Состояние ответа
register-about-version = Версия анкеты, по которой дан ответ
register-about-respondent = Имя в Telegram того, кто ответил
register-about-telegram-id = Номер пользователя в Telegram
register-about-pseudonym = Постоянный код вместо имени: у одного человека он один во всех выгрузках
register-about-extra = Сведения о ходе работы по ответу
register-type-text = Текст
register-type-long-text = Длинный текст
register-type-integer = Целое число
register-type-decimal = Число
register-type-single-choice = Один вариант
register-type-multiple-choice = Несколько вариантов
register-type-yes-no = Да или нет
register-type-rating = Шкала { $min }–{ $max }
register-type-date = Дата
register-type-datetime = Дата и время
register-type-phone = Телефон
register-type-email = Электронная почта
register-type-school = Школа
register-type-municipality = Муниципалитет
register-type-file = Файлы
register-type-flag = Отметка 1 или 0
register-type-extra-text = Текст
register-type-extra-number = Число
register-type-extra-date = Дата
register-type-extra-datetime = Дата и время
register-type-extra-link = Ссылка
register-allowed-other = Другое (свой вариант)
register-allowed-flag = 1 — вариант выбран, 0 — не выбран
register-allowed-scale-end = { $value } ({ $label })
register-allowed-range = от { $min } до { $max }
register-allowed-min = не меньше { $min }
register-allowed-max = не больше { $max }

## The «О выгрузке» sheet.
register-about-form = Анкета
register-about-form-id = Идентификатор анкеты
register-about-variant = Вариант реестра
register-variant-full = Полный
register-variant-anonymised = Обезличенный: без имён, номеров и ответов своими словами
register-about-filters = Отбор
register-about-no-filters = Без отбора, все ответы
register-about-versions = Версии анкеты
register-about-exported-at = Время выгрузки
register-about-zone = Часовой пояс
register-about-exported-by = Кто выгрузил
register-about-rows = Строк в реестре
audit-action-wave_opened = Начат этап мониторинга
audit-action-wave_closed = Завершён этап мониторинга
audit-action-consultation_scheduled = Назначена консультация
audit-action-consultation_cancelled = Консультация отменена
audit-action-consultation_held = Консультация состоялась
audit-action-consultation_no_show = Родитель не пришёл на консультацию
