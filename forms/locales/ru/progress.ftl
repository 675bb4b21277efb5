## Roadmap targets: /progress for coordinators, and problems of the targets file.

progress-title = <b>📊 Целевые показатели дорожной карты</b>
progress-scope-region = По всем муниципалитетам.
progress-scope-municipal = По муниципалитетам: { $names }.
progress-scope-none = За вами не закреплён ни один муниципалитет, поэтому все показатели равны нулю. Обратитесь к региональному координатору.
progress-target =
    <b>{ $title }</b> — { $period }
    Сейчас { $current } из { $target } ({ $percent }%). Осталось: { $left }.
progress-target-done =
    <b>{ $title }</b> — { $period }
    Сейчас { $current } из { $target } ({ $percent }%). Показатель выполнен ✅
progress-share =
    <b>{ $title }</b> — { $period }
    Сейчас { $current } из { $schools } ОО ({ $percent }%), нужно { $target }%. Осталось: { $left } ОО.
progress-share-done =
    <b>{ $title }</b> — { $period }
    Сейчас { $current } из { $schools } ОО ({ $percent }%), нужно { $target }%. Показатель выполнен ✅
progress-share-no-schools =
    <b>{ $title }</b> — { $period }
    В справочнике школ нет ни одной школы, к которой относится показатель, поэтому он не посчитан. Загрузите справочник с отметками ШНОР, ШНСУ и школ-партнёров.
progress-period-school-year = { $start }/{ $end } учебный год
progress-period-calendar-year = { $year } год
progress-period-half-year = { $half ->
    [1] I
   *[2] II
} полугодие { $year }
progress-period-quarter = { $quarter ->
    [1] I
    [2] II
    [3] III
   *[4] IV
} квартал { $year }
progress-period-month = { $month ->
    [1] январь
    [2] февраль
    [3] март
    [4] апрель
    [5] май
    [6] июнь
    [7] июль
    [8] август
    [9] сентябрь
    [10] октябрь
    [11] ноябрь
   *[12] декабрь
} { $year }
progress-file-broken = В файле целевых показателей есть ошибки, поэтому показатели не посчитаны. Исправьте файл и проверьте его командой school-bot targets check:

## Problems of the targets file (forms/targets.yaml or TARGETS_FILE).
targets-error-not-mapping = Файл целевых показателей должен состоять из разделов measures и targets.
targets-error-unknown-key = Неизвестное поле «{ $field }». Проверьте написание: все поля описаны в начале файла forms/targets.yaml.
targets-error-duplicate-id = Показатель с id «{ $id }» уже есть выше. У каждого показателя должен быть свой id.
targets-error-measure-undefined = Показатель считает «{ $measure }», но в разделе measures это не описано. Добавьте описание в measures.
targets-error-where-needs-form = Для условия where укажите анкету (поле form), в которой есть вопрос из условия.
targets-error-no-form = Анкеты с id «{ $form }» нет среди анкет бота.
targets-error-no-question = В анкете «{ $form }» нет вопроса «{ $question }».
targets-error-not-date = Вопрос «{ $question }» анкеты «{ $form }» — не дата. Нужен вопрос типа date.
targets-error-not-number = Вопрос «{ $question }» анкеты «{ $form }» — не число. Нужен вопрос типа integer или decimal.
targets-error-not-choice = Вопрос «{ $question }» анкеты «{ $form }» — не выбор из вариантов. Нужен вопрос типа single_choice или multiple_choice.
targets-error-not-school = Вопрос «{ $question }» анкеты «{ $form }» — не выбор школы. Нужен вопрос типа school.
targets-error-form-without-school = В анкете «{ $form }» нет вопроса о школе (типа school), поэтому школы по ней не посчитать. Укажите анкету с таким вопросом.
targets-error-sum-one-school = Сумму по каждой школе (поле sum) можно считать, только если анкета называет одну школу: в поле schools оставьте один вопрос.
targets-error-percent = Этот показатель — доля школ в процентах, поэтому значение target должно быть не больше 100.
targets-error-no-option = У вопроса «{ $question }» анкеты «{ $form }» нет варианта «{ $value }».

## The command line: school-bot targets check.
cli-targets-ok = Ошибок нет. Показателей в файле: { $count }.
cli-targets-problems = { $count ->
    [one] Найдена { $count } ошибка.
    [few] Найдено { $count } ошибки.
   *[many] Найдено { $count } ошибок.
} Исправьте файл и проверьте его ещё раз.
