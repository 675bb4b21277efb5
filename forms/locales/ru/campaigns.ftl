# Опросы (кампании): координатор объявляет анкету, видит охват и напоминает не ответившим.

command-campaigns = Опросы: разослать анкету и посмотреть охват
command-mute = Не присылать напоминания об опросах
command-link = Ссылка для чата школы

person-kind-teacher = педагоги
person-kind-head = руководители школ и заместители
person-kind-parent = родители
person-kind-other = другие участники
person-kind-school = школы (отвечают руководители школ и заместители)
campaign-kind-schools-only = Эту анкету заполняют школы: её получат руководители школ и заместители.

school-group-all = все школы
school-group-low = ШНОР
school-group-difficult = ШНСУ
school-group-both = ШНОР и ШНСУ

campaign-state-draft = черновик
campaign-state-sending = рассылается
campaign-state-sent = разослан
campaign-state-closed = закрыт

campaigns-title = <b>Опросы</b>
campaigns-none = Опросов пока нет. Нажмите «Новый опрос», чтобы разослать анкету.
campaigns-line = № { $number }: «{ $title }» — { $state }
campaigns-button-new = Новый опрос
campaigns-button-open = Открыть опрос № { $number }

campaign-choose-form = Какую анкету разослать?
campaign-no-forms = Нет анкет, которые можно разослать.
campaign-needs-stage = Анкета «{ $title }» заполняется по этапам. Сначала начните этап: /waves.
campaign-stale = Эта кнопка устарела. Откройте опросы заново: /campaigns.
campaign-not-draft = Опрос уже разослан или удалён: менять его нельзя.
campaign-deadline-past = Срок опроса уже прошёл. Передвиньте срок кнопкой «Срок позже».

campaign-card-head = <b>Опрос № { $number }</b> ({ $state })
campaign-card-form = Анкета: «{ $title }»
campaign-card-stage = Этап: «{ $stage }»
campaign-card-kind = Кому: { $kind }
campaign-card-schools = Школы: { $schools }
campaign-card-deadline = Срок: до { $deadline }
campaign-card-reminders = Напоминания не ответившим: за { $days } дн. до срока
campaign-card-no-reminders = Напоминания не ответившим: только по кнопке
campaign-card-recipients = Получат сообщение: { $count }
campaign-card-text = <b>Сообщение:</b>
campaign-no-deadline = без срока
campaign-default-text = Здравствуйте! Рабочая группа просит вас заполнить анкету «{ $title }» до { $deadline }. Это займёт несколько минут. Нажмите «Заполнить анкету».

campaign-button-kind = Кому: изменить
campaign-button-schools = Школы: изменить
campaign-button-sooner = Срок раньше на неделю
campaign-button-later = Срок позже на неделю
campaign-button-text = Изменить текст
campaign-button-preview = Показать сообщение
campaign-button-send = Отправить ({ $count })
campaign-button-drop = Удалить черновик
campaign-button-fill = Заполнить анкету
campaign-button-mute = Не напоминать мне
campaign-button-unmute = Снова присылать напоминания
campaign-button-chart = Показать диаграмму
campaign-button-remind = Напомнить не ответившим ({ $count })
campaign-button-close = Закрыть опрос

campaign-type-text = Напишите текст сообщения одним сообщением. Кнопка «Заполнить анкету» будет под ним.
campaign-text-length = Текст должен быть не пустым и не длиннее { $most } знаков. Напишите его ещё раз.
campaign-preview-head = Так сообщение увидят получатели:
campaign-dropped = Черновик опроса № { $number } удалён.

campaign-progress = Отправлено { $sent } из { $total }, не доставлено { $lost }.
campaign-progress-done = Рассылка опроса № { $number } закончена. Охват: /campaigns.

campaign-share = { $answered } из { $expected } ({ $percent } %){ $base ->
    [directory] , по справочнику
   *[registered] , из зарегистрированных
}
campaign-board-head = <b>Опрос № { $number }</b>: «{ $title }» ({ $state })
campaign-board-total = Ответили: { $share }
campaign-board-area = { $name }: { $share }
campaign-board-no-schools = Нет школ, которые подходят под этот опрос.
campaign-area-head = <b>{ $name }</b>: школы, сначала с наименьшим охватом
campaign-chart-title = Опрос № { $number }: { $title }
campaign-chart-caption = { $base ->
    [directory] Доля ответивших от числа педагогов по справочнику.
   *[registered] Доля ответивших от числа зарегистрированных в боте.
} Всего: { $total }
campaign-reminded = Напоминание поставлено в очередь: { $count }.
campaign-closed-already = Опрос уже закрыт.

campaign-reminder = Напоминаем: рабочая группа ждёт ваш ответ на анкету «{ $title }» до { $deadline }. Нажмите «Заполнить анкету».
campaign-reminder-draft = Напоминаем: вы начали заполнять анкету «{ $title }», но ещё не отправили её. Допишите, пожалуйста, до { $deadline }.
campaign-muted = Напоминания об опросах отключены. Включить их снова можно кнопкой ниже.
campaign-unmuted = Напоминания об опросах снова включены.

school-link-how = Напишите код школы из справочника, например: /link 500101. Новая ссылка вместо старой: /link 500101 новая
# The word after the code that asks for a new link (the old one stops working).
school-link-renew-word = новая
school-link-unknown-school = Школы с таким кодом нет в справочнике или она не в вашем муниципалитете.
school-link-made = Ссылка для чата школы «{ $school }»:
    { $link }
    Кто откроет её, тот будет отмечен как участник этой школы.
school-link-unknown = Эта ссылка устарела. Попросите координатора прислать новую.
school-link-joined = Готово: вы отмечены как участник школы «{ $school }».
school-link-ask-kind = Расскажите ещё, кто вы: педагог, руководитель или родитель.
profile-button-fill = Рассказать о себе
profile-button-change = Изменить школу

campaign-card-areas = Муниципалитеты: { $areas }
campaign-areas-all = все
campaign-areas-more = { $names } и ещё { $more }
campaign-button-areas = Муниципалитеты: изменить
campaign-button-areas-all = Все муниципалитеты
campaign-button-areas-done = Готово: показать опрос
campaign-areas-choose = Какие муниципалитеты охватит опрос № { $number }? Нажмите, чтобы добавить или убрать (отмечены галочкой).
campaign-areas-none = Нужен хотя бы один муниципалитет.
campaign-button-reminders = Напоминания: изменить
school-link-head = Это ссылка школы «{ $school }». Вы отчитываетесь в боте за другую школу, поэтому ваша школа не изменилась. Если вы перешли в эту школу, измените «О себе» в /mydata: координатор подтвердит.
