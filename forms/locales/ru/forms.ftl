## Questionnaire engine: answer checks, answers shown to people, form-file problems.
## Address the user as «вы»; short sentences; «ёлочки».

## Buttons that the messages below mention by name.
form-progress = Вопрос { $number } из { $total }
form-button-next = Далее
form-button-done = Готово
form-button-skip = Пропустить
form-button-back = Назад
answer-other-button = Другое (впишите)

## Answer checks. Shown after a person's answer; the question is then asked again.
answer-required = Это обязательный вопрос. Пожалуйста, ответьте на него.
answer-expected-text = Напишите ответ сообщением.
answer-expected-button = Выберите ответ кнопкой под вопросом.
answer-expected-selection = Отметьте подходящие варианты кнопками и нажмите «Готово».
answer-expected-yes-no = Ответьте кнопкой «Да» или «Нет».
answer-expected-integer = Напишите целое число цифрами, например: 12.
answer-expected-decimal = Напишите число цифрами, например: 12 или 12,5.
answer-expected-date = Напишите дату в виде ДД.ММ.ГГГГ, например: 01.09.2025.
answer-expected-phone = Напишите номер телефона, например: +7 900 123-45-67. Или отправьте свой номер кнопкой.
answer-expected-email = Напишите адрес электронной почты, например: ivanova@mail.ru.
answer-expected-school = Выберите школу кнопками: сначала муниципалитет, затем школу.
answer-expected-file =
    { $kind ->
        [photo] Отправьте фотографию.
        [document] Отправьте файл.
       *[any] Отправьте файл или фотографию.
    } Когда закончите, нажмите «Готово».
answer-expected-next = Нажмите «Далее», чтобы продолжить.
answer-text-empty = Ответ пустой. Напишите, пожалуйста, текст.
answer-text-too-long =
    Ответ слишком длинный: { $length } { $length ->
        [one] знак
        [few] знака
       *[many] знаков
    }. Сократите его, пожалуйста, до { $max } { $max ->
        [one] знака
       *[other] знаков
    }.
answer-text-too-short =
    Ответ слишком короткий. Напишите, пожалуйста, подробнее: не меньше { $min } { $min ->
        [one] знака
       *[other] знаков
    }.
answer-number-range = Напишите число от { $min } до { $max }.
answer-number-too-small = Число должно быть не меньше { $min }.
answer-number-too-big = Число должно быть не больше { $max }.
answer-rating-range = Выберите оценку от { $min } до { $max } кнопкой.
answer-date-invalid = Такой даты нет. Проверьте день и месяц.
answer-date-range = Укажите дату с { $min } по { $max }.
answer-date-too-early = Дата должна быть не раньше { $min }.
answer-date-too-late = Дата должна быть не позже { $max }.
answer-phone-invalid = Не получилось распознать номер. Напишите его полностью, например: +7 900 123-45-67.
answer-email-invalid = В адресе почты есть ошибка. Проверьте его, пожалуйста. Пример: ivanova@mail.ru.
answer-choice-unknown = Этого варианта нет в списке. Выберите ответ кнопкой в последнем сообщении.
answer-choice-too-many =
    Можно выбрать не больше { $max } { $max ->
        [one] варианта
       *[other] вариантов
    }. Сначала снимите одну из отметок.
answer-choice-too-few =
    Выберите хотя бы { $min } { $min ->
        [one] вариант
        [few] варианта
       *[many] вариантов
    }.
answer-other-prompt = Впишите свой вариант одним сообщением.
answer-constraint = Такой ответ не подходит. Проверьте его и ответьте ещё раз.
answer-files-too-many =
    Можно отправить не больше { $max } { $max ->
        [one] файла
       *[other] файлов
    }. Нажмите «Готово».
answer-files-none = Отправьте хотя бы один файл и нажмите «Готово».
answer-file-wrong-kind =
    { $kind ->
        [photo] Здесь нужна фотография.
        [document] Здесь нужен файл, а не фотография. Отправьте его как документ.
       *[any] Отправьте файл или фотографию.
    }
answer-file-too-big = Файл «{ $name }» слишком большой: { $size } МБ. Можно до { $max } МБ.

## Answers as text: the review screen, the summary after sending, the registers.
answer-skipped = Без ответа
answer-yes = Да
answer-no = Нет
answer-rating = { $value } из { $max }
answer-other = Другое: { $text }
answer-school = { $name } ({ $municipality })
answer-files =
    { $count ->
        [one] { $count } файл
        [few] { $count } файла
       *[many] { $count } файлов
    }: { $names }

## Where a problem of a form file is (command «school-bot forms check»).
problem-with-place = { $place }: { $text }
place-line = строка { $line }
place-sheet = лист «{ $sheet }»
place-row = строка { $row }
place-column = столбец «{ $column }»
place-with-path = { $place } ({ $path })

## Problems of form files, for coordinators. Field names are the keys of FORMAT.md.
form-error-missing = Не заполнено обязательное поле «{ $field }».
form-error-unknown-key = Неизвестное поле «{ $field }». Проверьте написание: все поля описаны в FORMAT.md.
form-error-no-type = Не указан тип вопроса (поле «type»).
form-error-unknown-type = Неизвестный тип вопроса «{ $value }». Можно: { $expected }.
form-error-nested-section = Раздел не может быть внутри другого раздела.
form-error-section-in-repeat = Раздел не может быть внутри повторяющейся группы. Перенесите вопросы раздела прямо в группу.
form-error-repeat-in-section = Повторяющаяся группа не может быть внутри раздела. Поставьте её между разделами.
form-error-nested-repeat = Повторяющаяся группа не может быть внутри другой повторяющейся группы.
form-error-repeat-count = В поле «count» нужно целое число больше нуля или id целочисленного вопроса, заданного раньше, а написано «{ $value }».
form-error-repeat-count-above-max = В поле «count» указано { $count }, а записей может быть не больше { $max } (max_count).
form-error-repeat-count-not-integer = Число записей (count) берётся из вопроса «{ $question }», но это не вопрос с целым числом (integer).
form-error-condition-in-repeat = Условие ссылается на вопрос «{ $question }» из повторяющейся группы «{ $repeat }». Вне группы неясно, о какой записи речь; внутри группы можно ссылаться только на вопросы той же записи.
form-error-empty = Поле «{ $field }» не может быть пустым.
form-error-empty-list = Список «{ $field }» не может быть пустым.
form-error-too-long = Поле «{ $field }» слишком длинное: можно не больше { $limit } знаков.
form-error-too-many = В списке «{ $field }» слишком много элементов: можно не больше { $limit }.
form-error-expected-text = В поле «{ $field }» нужен текст.
form-error-expected-integer = В поле «{ $field }» нужно целое число, а написано «{ $value }».
form-error-expected-number = В поле «{ $field }» нужно число, а написано «{ $value }».
form-error-expected-bool = В поле «{ $field }» нужно true (да) или false (нет), а написано «{ $value }».
form-error-expected-list = В поле «{ $field }» нужен список: каждый элемент с новой строки, начиная с «- ».
form-error-expected-mapping = В поле «{ $field }» нужны вложенные поля вида «ключ: значение».
form-error-expected-date = В поле «{ $field }» нужна дата вида ГГГГ-ММ-ДД, например 2025-09-01.
form-error-literal = Поле «{ $field }»: значение «{ $value }» не подходит. Можно: { $expected }.
form-error-ge = Поле «{ $field }»: значение должно быть не меньше { $limit }.
form-error-gt = Поле «{ $field }»: значение должно быть больше { $limit }.
form-error-le = Поле «{ $field }»: значение должно быть не больше { $limit }.
form-error-lt = Поле «{ $field }»: значение должно быть меньше { $limit }.
form-error-bad-id = Идентификатор «{ $value }» не подходит. Нужны латинские буквы, цифры, «_» и «-», в начале — буква, длина до 32 знаков (у анкеты — только строчные буквы, до 40 знаков). Например: school_name.
form-error-bad-option-value = Значение варианта «{ $value }» не подходит. Нужны латинские буквы, цифры и знаки «_», «-», «.», длина до 32 знаков. Например: math.
form-error-bad-column-name = Имя признака «{ $value }» не подходит. Нужны латинские буквы, цифры и «_».
form-error-invalid = Поле «{ $field }»: значение «{ $value }» не подходит.
form-error-condition-shape = В условии должен быть ровно один из ключей: equals, one_of, selected, answered, not, all, any, expr (или выражение строкой).
form-error-condition-unknown = Условие ссылается на вопрос «{ $question }», которого нет в анкете.
form-error-condition-later = Условие ссылается на вопрос «{ $question }», который идёт позже. Условие может зависеть только от вопросов, заданных раньше.
form-error-condition-self = Условие ссылается на свой же вопрос «{ $question }». Условие может зависеть только от вопросов, заданных раньше.
form-error-condition-note = Условие ссылается на пояснение «{ $question }». На пояснения не отвечают, поэтому от них ничего не может зависеть.
form-error-condition-selected = Ключ «selected» подходит только для вопросов с выбором вариантов, а «{ $question }» — вопрос другого типа. Используйте «equals».
form-error-condition-use-selected = В вопросе «{ $question }» можно выбрать несколько вариантов. Используйте «selected» вместо «equals» и «one_of».
form-error-condition-value = У вопроса «{ $question }» не бывает ответа «{ $value }». Для вопроса с выбором укажите value одного из вариантов, для вопроса «да/нет» — true или false.
form-error-filter-column = Ни у одного варианта нет признака «{ $column }», по которому отбираются варианты (choice_filter).
form-error-duplicate-id = Идентификатор «{ $id }» уже занят другим вопросом или разделом. Идентификаторы не должны повторяться.
form-error-duplicate-option = Значение варианта «{ $value }» повторяется. У каждого варианта должно быть своё значение.
form-error-min-above-max = Нижняя граница больше верхней. Проверьте min и max.
form-error-min-above-options = В min_selected указано больше, чем вариантов в вопросе.
form-error-date-bound = Граница даты «{ $value }» не подходит. Можно: today, today+7, today-30 или дата вида 2025-09-01.
form-error-period-needs-waves = Значение editable_until: period_closes подходит только для анкет с responses: per_period.
form-error-school-anonymous = Анкету школы (respondent: school) нельзя сделать анонимной: ответ всегда от имени школы.
form-error-workflow-question = Для этого workflow в анкете нужен вопрос с id «{ $question }».
form-error-closes-before-opens = Дата закрытия анкеты (closes_at) раньше даты открытия (opens_at).
form-error-not-mapping = Файл анкеты должен начинаться с полей id, title и questions.
form-error-yaml-syntax = Ошибка разметки YAML: { $details }. Проверьте отступы, двоеточия и кавычки.
form-error-duplicate-key = Поле «{ $key }» указано дважды.
form-error-file-type = Файлы с расширением «{ $suffix }» не подходят. Нужен файл .yaml, .yml или .xlsx.
form-error-no-file = Файл не найден.
form-error-encoding = Файл сохранён не в кодировке UTF-8. Сохраните его в UTF-8.
form-error-duplicate-form-id = Анкета с id «{ $id }» уже есть в файле { $other }. У каждой анкеты должен быть свой id.

## Problems of XLSForm workbooks (Excel).
form-error-xls-unreadable = Не удалось открыть файл Excel. Проверьте, что это файл .xlsx без пароля.
form-error-xls-no-sheet = В книге нет листа «{ $sheet }».
form-error-xls-unknown-sheet = Лист «{ $sheet }» не поддерживается. Оставьте только листы survey, choices и settings.
form-error-xls-unknown-column = Столбец «{ $column }» не поддерживается. Удалите его или очистите его ячейки.
form-error-xls-column-not-here = В строке такого типа этот столбец не используется. Очистите ячейку.
form-error-xls-extra-settings-row = На листе settings заполняется только вторая строка.
form-error-xls-no-type = Не указан тип вопроса (столбец type).
form-error-xls-type = Тип «{ $value }» не поддерживается. Можно: text, integer, decimal, select_one список, select_multiple список (с «or_other» добавится вариант «Другое»), date, note, calculate, file, image, yes_no, rating, phone, email, school, begin group, end group, begin repeat, end repeat.
form-error-xls-no-list = На листе choices нет списка «{ $list }».
form-error-xls-no-list-name = Не указан список (столбец list_name).
form-error-xls-nested-group = Группа внутри группы не поддерживается. Закройте предыдущую группу строкой end group.
form-error-xls-end-without-begin = Строка end group без начала группы (begin group).
form-error-xls-group-not-closed = Группа не закрыта. Добавьте после её вопросов строку end group (для повторяющейся группы — end repeat).
form-error-xls-repeat-in-group = Повторяющаяся группа (begin repeat) внутри группы не поддерживается. Закройте группу строкой end group до begin repeat.
form-error-xls-group-in-repeat = Группа (begin group) внутри повторяющейся группы не поддерживается. Поставьте вопросы прямо между begin repeat и end repeat.
form-error-xls-nested-repeat = Повторяющаяся группа внутри другой повторяющейся группы не поддерживается. Закройте предыдущую строкой end repeat.
form-error-xls-end-repeat-without-begin = Строка end repeat без начала повторяющейся группы (begin repeat).
form-error-xls-end-mismatch = Эта строка закрывает не ту группу: begin group закрывается строкой end group, begin repeat — строкой end repeat.
form-error-xls-flag = Значение «{ $value }» не подходит. Напишите yes или no.
form-error-xls-appearance = Оформление «{ $value }» не поддерживается. Можно только multiline для вопроса text.
form-error-expr-empty = Выражение пустое.
form-error-expr-syntax = Выражение «{ $expression }» записано с ошибкой: проверьте скобки, кавычки и знаки между частями.
form-error-expr-operator = Знак «{ $operator }» в выражениях не поддерживается. Можно: + - * div mod, = != < <= > >=, and, or, скобки. Пути вроде /data/вопрос не поддерживаются: пишите { "${вопрос}" }.
form-error-expr-reference = Ссылка «{ $reference }» записана с ошибкой. Пишите { "${имя_вопроса}" }: латинские буквы, цифры, _ и -.
form-error-expr-function = Функция «{ $function }» не поддерживается. Можно: if, selected, count-selected, string-length, regex, today, date, coalesce, sum, count, int, number, string, concat, round, starts-with, ends-with, contains, not, true, false, boolean.
form-error-expr-arguments = У функции «{ $function }» не то число аргументов.
form-error-expr-aggregate = Функция «{ $function }» принимает только вопрос повторяющейся группы: { "${вопрос}" }.
form-error-expr-not-repeat = В sum() и count() можно указать только вопрос повторяющейся группы, которая идёт раньше, или саму группу. «{ $question }» — не такой вопрос.
form-error-expr-here = Точка (этот ответ) и string-length() без аргумента бывают только в ограничении (constraint).
form-error-expr-name = Слово «{ $name }» здесь непонятно. Вопросы указываются как { "${имя}" }, тексты — в кавычках. Столбцы списка без { "${…}" } можно указывать только в choice_filter.
form-error-expr-regex = Регулярное выражение «{ $pattern }» записано с ошибкой или не в кавычках.
form-error-expr-date = Дата «{ $value }» записана с ошибкой. Пишите date('2025-09-01').
form-error-filter-columns = Фильтр использует столбец «{ $column }», которого нет у вариантов этого списка.
form-error-label-reference = В тексте есть ссылка на вопрос «{ $question }», которого нет в анкете.
form-error-not-here = Ключ «{ $key }» не подходит для вопроса этого типа.
form-error-default = Ответ по умолчанию «{ $value }» не подходит для этого вопроса: такого варианта нет в списке, или это не число, не дата, не «да»/«нет».
form-error-xls-calculation = У вычисления (calculate) должна быть формула в столбце calculation.
form-error-xls-default-dynamic = Ответ по умолчанию «{ $value }» — выражение. Поддерживаются только готовые значения: текст, число, дата 2025-09-01, имя варианта.
form-error-xls-two-messages = Заполнены и required_message, и constraint_message, и тексты разные. Оставьте одно сообщение об ошибке.
