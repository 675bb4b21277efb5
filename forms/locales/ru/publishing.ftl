# Анкеты из бота: координатор загружает файл, проверяет, пробует, публикует и снимает с публикации.

forms-admin-title = <b>Анкеты</b>
forms-admin-none = Анкет пока нет.
forms-admin-line = «{ $title }» — { $state }, версия { $version }, { $author }, ответов: { $responses }
forms-admin-how = Чтобы добавить анкету, отправьте сюда файл Excel (.xlsx, в формате XLSForm) или YAML (.yaml) как документ. Бот проверит его и покажет, что исправить. Образец файла — по кнопке «Скачать шаблон».
forms-admin-only = Загружать и публиковать анкеты могут администраторы и региональные координаторы.

forms-state-draft = не опубликована
forms-state-published = опубликована
forms-state-withdrawn = снята с публикации
forms-state-off = не загружена из файла

forms-author-file = из файла на сервере
forms-author-unknown = автор неизвестен

forms-button-upload = Загрузить анкету
forms-button-template = Скачать шаблон
forms-button-trial = Пройти как респондент
forms-button-publish = Опубликовать
forms-button-discard = Не публиковать эту версию
forms-button-withdraw = Снять с публикации
forms-button-reopen = Открыть снова
forms-button-back = К списку анкет

forms-card-head = <b>«{ $title }»</b> (код { $id })
forms-card-state = Состояние: { $state }
forms-card-live = Действует версия { $version } от { $date }, { $author }
forms-card-waiting = Ждёт публикации версия { $version } из файла «{ $file }», загружена { $date }
forms-card-responses = Ответов: { $count }

forms-role-teacher = педагоги
forms-role-parent = родители
forms-role-mentor = наставники
forms-role-coordinator = координаторы
forms-role-any = все участники

forms-summary-size = Вопросов: { $questions }, разделов: { $sections }, повторяющихся блоков: { $repeats }
forms-summary-logic = Вопросов и разделов с условием показа: { $count }
forms-summary-roles = Кто заполняет: { $roles }
forms-summary-school = Кто заполняет: школа (руководитель школы или заместитель)
forms-summary-responses-once = Ответов: один от каждого
forms-summary-responses-per_period = Ответов: один от каждого на каждом этапе мониторинга
forms-summary-responses-many = Ответов: сколько угодно
forms-summary-workflow-consultation = После отправки: запись на консультацию
forms-summary-workflow-mentoring = После отправки: наставляемый подтверждает пару
forms-summary-workflow-event = После отправки: файлы мероприятия сохраняются
forms-summary-workflow-profile = После отправки: данные попадают в профиль участника
forms-summary-workflow-request = После отправки: заявка школы поступает рабочей группе
forms-summary-consent = Перед анкетой спрашивается согласие на обработку персональных данных

publish-wrong-file = Файл «{ $name }» не похож на анкету. Пришлите файл Excel (.xlsx) или YAML (.yaml, .yml).
publish-too-big = Файл «{ $name }» слишком большой: можно до { $limit } КБ.
publish-download-failed = Не удалось получить файл из Telegram. Пришлите его ещё раз, пожалуйста.
publish-checking = Проверяю файл «{ $name }»…
publish-problems = В файле «{ $name }» { $count ->
    [one] найдена { $count } ошибка
    [few] найдено { $count } ошибки
   *[many] найдено { $count } ошибок
}:
publish-problems-more = …и ещё { $count }.
publish-fix-and-send = Исправьте файл и пришлите его снова.
publish-checked = Анкета «{ $title }» (код { $id }) проверена: ошибок нет. { $new ->
    [1] Это будет версия { $version } уже опубликованной анкеты: кто начал отвечать, закончит по прежней версии.
   *[0] Версия { $version }.
}
publish-same-as-live = Эта версия анкеты «{ $title }» уже опубликована: менять нечего.
publish-same-as-off = Эта версия анкеты «{ $title }» уже загружена и снята с публикации. Чтобы снова принимать ответы, откройте её в /forms.
publish-not-waiting = Эта версия уже опубликована, отменена или заменена новой загрузкой. Откройте список анкет: /forms.
publish-state-changed = Состояние анкеты уже изменилось. Откройте список анкет: /forms.
publish-done = Анкета «{ $title }» опубликована (версия { $version }). Её уже видят в списке анкет.
publish-discarded = Загруженная версия анкеты «{ $title }» не будет опубликована.
publish-withdrawn = Анкета снята с публикации: новых ответов на неё не будет.
publish-reopened = Анкета снова открыта.
publish-trial-intro = <b>Пробное заполнение</b> анкеты «{ $title }». Ответы сохранятся как пробные: они не попадут в реестры, цели и охват.
publish-trial-sent = Пробный ответ № { $number } сохранён. В реестры, цели и охват он не попадёт. Если всё верно, опубликуйте анкету: /forms.
publish-template-file = Шаблон анкеты.xlsx
publish-template-caption = Шаблон анкеты в формате XLSForm: по одному примеру каждого типа вопроса. На листе «Пояснения» сказано, что писать в каждом столбце.
form-withdrawn = Анкета «{ $title }» снята с публикации: ответы на неё сейчас не принимаются. Ваш черновик сохранён.

audit-action-form_uploaded = Загружена анкета
audit-action-form_published = Анкета опубликована
audit-action-form_discarded = Загруженная анкета не опубликована
audit-action-form_withdrawn = Анкета снята с публикации
audit-action-form_reopened = Анкета снова открыта

# Лист «Пояснения» шаблона анкеты (forms/templates/xlsform.yaml).
template-help-sheet = Пояснения
template-help-what = Лист, столбец или тип вопроса
template-help-meaning = Что писать
template-about-survey = Лист «survey»: вопросы анкеты, по одному в строке, в том порядке, в каком их зададут.
template-about-choices = Лист «choices»: варианты ответов для вопросов с выбором. Варианты одного списка — строки с одинаковым list_name.
template-about-settings = Лист «settings»: одна строка с настройками анкеты.
template-about-type = Тип вопроса (см. ниже). Для выбора из списка после типа через пробел — имя списка с листа «choices», например «select_one subjects».
template-about-name = Короткое имя вопроса латиницей, без пробелов: по нему вопрос называется в реестре и в условиях. У каждого вопроса своё.
template-about-label = Текст вопроса, как его увидит участник. Можно добавить столбец «label::English (en)» для другого языка.
template-about-hint = Подсказка под вопросом (необязательно).
template-about-required = «yes» — без ответа дальше не пройти. Пусто — вопрос можно пропустить.
template-about-relevant = Условие, при котором вопрос задаётся, например ${"{"}has_mentor{"}"} = 'yes'. Пусто — задаётся всегда.
template-about-constraint = Проверка ответа, например . >= 0 and . <= 60 (точка — сам ответ) или count-selected(.) <= 3.
template-about-constraint_message = Что сказать участнику, если ответ не прошёл проверку.
template-about-appearance = «multiline» — для длинного текстового ответа.
template-about-calculation = Для типа calculate: как вычислить значение из других ответов, например round(${"{"}hours{"}"} div 5, 1). Вычисленное значение можно показать в тексте вопроса: ${"{"}per_day{"}"}.
template-about-default = Готовый ответ: участник оставляет его кнопкой «Оставить: …» или отвечает по-своему.
template-about-read_only = «yes» — вопрос только показывается с готовым ответом из столбца default, отвечать не нужно.
template-about-or_other = Допишите «or_other» после имени списка (select_one subjects or_other) — и появится вариант «Другое» с ответом своими словами.
template-about-calculate = Вычисляемое значение: участник его не видит как вопрос, оно считается из ответов и попадает в реестр.
template-about-list_name = Имя списка вариантов: то же, что после select_one или select_multiple на листе «survey».
template-about-form_id = Код анкеты латиницей, без пробелов. Загрузите файл с тем же кодом — и это будет новая версия той же анкеты.
template-about-form_title = Название анкеты, как его увидят участники.
template-about-version = Номер версии (для себя): бот и сам различает версии.
template-about-roles = Кто заполняет: teacher (педагоги), parent (родители), mentor (наставники), coordinator (координаторы), any (все), через запятую.
template-about-responses = once — один ответ от каждого; per_period — по этапам мониторинга; many — сколько угодно.
template-about-note = Текст без вопроса: пояснение, приветствие.
template-about-text = Ответ текстом.
template-about-integer = Целое число.
template-about-decimal = Число, можно дробное.
template-about-date = Дата: участник выбирает её в календаре или пишет, например 15.03.2027.
template-about-yes_no = Да или нет (две кнопки). В условиях: 'yes' и 'no'.
template-about-rating = Оценка по шкале от 1 до 5 (кнопки).
template-about-phone = Номер телефона: участник пишет его или отправляет свой кнопкой.
template-about-email = Адрес электронной почты.
template-about-school = Школа из справочника: сначала муниципалитет, потом школа.
template-about-select_one = Один вариант из списка (кнопки).
template-about-select_multiple = Несколько вариантов из списка; «Готово», когда выбраны все.
template-about-begin-group = Начало раздела: вопросы до «end group» идут под его заголовком. В столбце relevant — условие для всего раздела.
template-about-end-group = Конец раздела.
template-about-begin-repeat = Начало повторяющегося блока (например, каждый курс или каждая школа): участник добавляет столько записей, сколько нужно. В столбце repeat_count можно задать число записей.
template-about-end-repeat = Конец повторяющегося блока.
template-about-file = Файл (документ).
template-about-image = Фотография.
