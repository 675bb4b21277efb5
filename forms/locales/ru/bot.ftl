## Interface text of the bot. Address the user as «вы»; short sentences; «ёлочки».

start-greeting =
    Здравствуйте, { $name }!
    Этот бот собирает анкеты рабочей группы по поддержке школ с низкими образовательными результатами.
    Выберите, что вы хотите сделать.
start-greeting-anonymous =
    Здравствуйте!
    Этот бот собирает анкеты рабочей группы по поддержке школ с низкими образовательными результатами.
    Выберите, что вы хотите сделать.
help-text =
    <b>Что умеет бот</b>
    Бот задаёт вопросы анкеты по одному. Ответ можно выбрать кнопкой или написать сообщением.
    Каждый ответ сохраняется сразу, поэтому анкету можно закончить позже.

    /start — главное меню
    /help — эта справка
    /cancel — прервать текущее действие (сохранённые ответы останутся)
    /requests — ваши заявки на консультацию: время, отмена записи
    /pairs — ваши наставнические пары: встречи, завершение
    /myschool — сведения о вашей школе (для руководителя школы)
    /mydata — что бот хранит о вас
    /mute — не присылать напоминания об опросах
    /delete_me — удалить ваши персональные данные
help-role-respondent = Если вы координатор или консультант, попросите приглашение у регионального координатора. Если вы руководитель школы, заполните «О себе» в /mydata: координатор подтвердит, и вы сможете отчитываться за школу.
help-role-school_head =
    <b>Для руководителя школы</b>
    Вы отчитываетесь за свою школу: анкеты школы есть в /start. Один ответ на всю школу: если анкету начал ваш заместитель, вы продолжите его ответ.
    /myschool — сведения о школе рядом с муниципалитетом: затруднения педагогов, нужная поддержка, заявки школы
help-role-consultant =
    <b>Для консультанта</b>
    /slot 25.11.2026 15:00 — добавить свободное время для консультаций
    /slots — ваше время: свободное и занятое
    /requests — открытые заявки вашего муниципалитета: назначить время, отметить итог
    /review — проверить ответы: принять, задать вопрос, отклонить
help-role-municipal =
    <b>Для муниципального координатора</b>
    /campaigns — разослать анкету, посмотреть охват, напомнить не ответившим
    /link — ссылка для чата школы
    /requests — заявки на консультацию в ваших муниципалитетах
    /progress — выполнение целевых показателей по вашим муниципалитетам
    /exports — реестры и сводка в Excel
    /review — проверить ответы: принять, задать вопрос, отклонить
    /heads — подтвердить руководителей школ
    /support — заявки школ на поддержку
    /invite — пригласить консультанта или руководителя школы
    /roles — роли пользователей
help-role-coordinator =
    <b>Для регионального координатора</b>
    /forms — загрузить анкету из файла Excel, опробовать и опубликовать её
    /campaigns — разослать анкету, посмотреть охват, напомнить не ответившим
    /link — ссылка для чата школы
    /waves — начать или завершить этап мониторинга
    /progress — выполнение целевых показателей
    /exports — реестры и сводка в Excel
    /review — проверить ответы: принять, задать вопрос, отклонить
    /requests — заявки на консультацию
    /heads — подтвердить руководителей школ
    /support — заявки школ на поддержку
    /invite — пригласить координатора, консультанта или руководителя школы
    /roles — роли пользователей
help-role-admin =
    <b>Для администратора</b>
    /forms — загрузить анкету из файла Excel, опробовать и опубликовать её
    /campaigns — разослать анкету, посмотреть охват, напомнить не ответившим
    /link — ссылка для чата школы
    /waves — начать или завершить этап мониторинга
    /progress — выполнение целевых показателей
    /exports — реестры и сводка в Excel
    /review — проверить ответы: принять, задать вопрос, отклонить
    /requests — заявки на консультацию
    /heads, /support — руководители школ и заявки школ
    /invite, /roles — приглашения и роли
    /audit — журнал действий
cancel-done = Действие прервано. Сохранённые ответы остались, к ним можно вернуться из главного меню.
cancel-nothing = Сейчас нечего прерывать. Главное меню — /start.
menu-button-help = ❓ Справка
unknown-message = Я не понял сообщение. Откройте главное меню командой /start.
stale-button = Эта кнопка устарела. Откройте главное меню командой /start.
private-only = Я работаю только в личных сообщениях. Напишите мне лично: @{ $username }.
error-apology = Извините, что-то пошло не так. Мы уже разбираемся. Попробуйте ещё раз чуть позже.

## Command menu (setMyCommands). Descriptions: up to 256 characters.
command-start = Главное меню
command-help = Справка
command-cancel = Прервать текущее действие
command-requests = Мои заявки на консультацию
command-progress = Выполнение целевых показателей

## Main menu and the list of forms.
menu-button-forms = 📝 Заполнить анкету
menu-button-continue = ▶️ Продолжить «{ $title }»
menu-button-discard = 🗑 Удалить черновик
forms-list-title = Выберите анкету:
forms-list-empty = Сейчас нет анкет, которые вы можете заполнить.
form-intro =
    <b>{ $title }</b>
    { $description }
form-not-open-yet = Анкета «{ $title }» откроется { $date }.
form-closed = Анкета «{ $title }» закрыта { $date }.
form-already-done = Вы уже заполнили анкету «{ $title }». Спасибо!
form-no-wave = Анкета «{ $title }» сейчас закрыта: мониторинг не проводится. Координатор сообщит, когда начнётся следующий этап.
form-done-in-wave = Вы уже ответили на анкету «{ $title }» в этом этапе («{ $wave }»). Спасибо!
dialog-feedback =
    <b>Ваши направления, где нужна поддержка</b>, и что предлагает рабочая группа:
    { $items }
    Записаться можно у муниципального координатора или в анкетах бота (/start).
dialog-feedback-none = Серьёзных затруднений вы не отметили. Спасибо! Если понадобится помощь, напишите муниципальному координатору.
form-unavailable = Эта анкета сейчас недоступна. Откройте список анкет заново: /start.
form-for-school-heads = Анкету «{ $title }» заполняет руководитель школы или его заместитель. Если это вы, заполните «О себе» в /mydata: выберите «Руководитель школы или заместитель» и свою школу. Координатор подтвердит, и анкета откроется.
form-school-done = Школа «{ $school }» уже отчиталась по анкете «{ $title }». Спасибо!
form-school-done-in-wave = Школа «{ $school }» уже отчиталась по анкете «{ $title }» в этом этапе («{ $wave }»). Спасибо!
draft-discard-confirm = Удалить ответы анкеты «{ $title }»? Восстановить их будет нельзя.
draft-button-discard-yes = Да, удалить ответы
draft-button-discard-no = Нет, оставить
draft-discarded = Черновик анкеты удалён.
draft-kept = Хорошо, ответы остались. Продолжить можно из главного меню: /start.

## The questionnaire dialog.
dialog-answer-was-saved = Ваш ответ на вопрос «{ $label }» уже сохранён: { $answer }. Ответьте, пожалуйста, на следующий вопрос.
dialog-contact-not-own = Это контакт другого человека: { $phone }. Записать этот номер как номер для связи с вами?
dialog-button-contact-yes = Да, записать этот номер
dialog-button-contact-no = Нет, отправлю свой номер
dialog-contact-kept = Записали номер из контакта.
dialog-contact-send-own = Хорошо. Отправьте свой номер кнопкой «📱 Отправить мой номер» или напишите его.
dialog-section = <i>{ $title }</i>
dialog-repeat-entry = { $total ->
    [0] <i>{ $title }</i>: запись { $number }
   *[other] <i>{ $title }</i>: запись { $number } из { $total }
}
dialog-repeat-more = Записей в группе «{ $title }»: { $count }. Добавить ещё одну?
dialog-button-add-entry = ➕ Добавить ещё
dialog-review-entry = <i>{ $title }, запись { $number }:</i>
dialog-button-add-entry-to = ➕ { $title }: добавить запись
dialog-button-remove-entry = 🗑 { $title } { $number }
dialog-current-answer = Сейчас: <b>{ $answer }</b>
dialog-rating-scale = { $min } — { $min_label }, { $max } — { $max_label }.
dialog-button-keep = Оставить как есть
dialog-button-leave = ⏸ Отложить анкету
dialog-left = Анкета «{ $title }» отложена, ответы сохранены. Продолжить можно из главного меню: /start.
dialog-your-answer = Ваш ответ: <b>{ $answer }</b>
dialog-button-share-phone = 📱 Отправить мой номер
dialog-phone-keyboard = Нажмите кнопку «📱 Отправить мой номер» внизу экрана или напишите номер сообщением.
dialog-keyboard-closed = Принято.
dialog-school-municipality = Выберите муниципалитет:
dialog-school-pick = { $municipality }: выберите школу.
dialog-school-empty = Справочник школ пока не загружен, поэтому выбрать школу сейчас нельзя. Сообщите об этом координатору. Анкету можно отложить кнопкой «⏸ Отложить анкету» и вернуться к ней позже: ответы сохранятся.
dialog-school-empty-admin = Справочник школ пока не загружен, поэтому выбрать школу сейчас нельзя. Загрузите его на сервере командой <code>school-bot schools import файл.xlsx</code> (столбцы описаны в README) или, чтобы попробовать бота, пробным справочником: <code>school-bot schools import --sample</code>. Анкету можно отложить кнопкой «⏸ Отложить анкету»: ответы сохранятся.
dialog-button-municipalities = ‹ К муниципалитетам
dialog-button-my-school = Моя школа: { $school }
dialog-button-page-back = ‹ Предыдущие
dialog-button-page-next = Следующие ›
dialog-files-received = { $count ->
    [one] Получен { $count } файл.
    [few] Получено { $count } файла.
   *[many] Получено { $count } файлов.
} Отправьте ещё или нажмите «Готово».
dialog-calendar-hint = Напишите дату или выберите её в календаре.
dialog-button-month-back = ‹
dialog-button-month-next = ›
dialog-review-title = <b>Проверьте ответы</b> — анкета «{ $title }»
dialog-review-line = { $number }. { $label }
    — <b>{ $answer }</b>
dialog-review-hint = Чтобы исправить ответ, нажмите кнопку с его номером. Если всё верно, нажмите «Отправить».
dialog-button-edit = ✏️ { $number }
dialog-button-submit = ✅ Отправить
dialog-submitted = Спасибо! Анкета «{ $title }» отправлена. Номер ответа: { $number }.
dialog-already-submitted = Эта анкета уже отправлена. Спасибо!
dialog-wave-closed = Этап «{ $wave }» уже завершён, ответы больше не принимаются. Ваш черновик сохранён.
dialog-gone = Эта анкета больше не заполняется. Откройте главное меню: /start.
dialog-stale = Этот вопрос уже позади. Ответьте на последний вопрос в чате.
dialog-use-review = Все вопросы пройдены. Проверьте ответы и нажмите «Отправить» или исправьте ответ.
dialog-truncated = …

month-1 = Январь
month-2 = Февраль
month-3 = Март
month-4 = Апрель
month-5 = Май
month-6 = Июнь
month-7 = Июль
month-8 = Август
month-9 = Сентябрь
month-10 = Октябрь
month-11 = Ноябрь
month-12 = Декабрь
weekdays = Пн Вт Ср Чт Пт Сб Вс

## Roles and access.
role-admin = администратор
role-coordinator = региональный координатор
role-municipal = муниципальный координатор
role-consultant = консультант
role-respondent = участник
role-school_head = руководитель школы
access-denied = У вас нет прав для этого действия. Если они нужны, обратитесь к координатору.
invite-choose-role = Кого вы приглашаете? Выберите роль.
invite-role-button = { $role }
invite-choose-municipality = Для какого муниципалитета это приглашение?
invite-no-municipalities = В справочнике пока нет муниципалитетов. Сначала загрузите справочник школ.
invite-created =
    Приглашение готово: роль «{ $role }»{ $municipality }.
    Перешлите эту ссылку человеку, которого приглашаете:
    { $link }
    Ссылка срабатывает один раз и действует до { $until }.
invite-for-municipality = , { $municipality }
invite-for-school = , школа «{ $school }»
invite-choose-school = Для какой школы это приглашение? Его получит руководитель школы или заместитель.
invite-no-schools = В этом муниципалитете в справочнике нет школ. Загрузите справочник школ заново.
invite-accepted = Готово! Теперь ваша роль — «{ $role }»{ $municipality }.
invite-unknown = Такого приглашения нет. Попросите координатора прислать новую ссылку.
invite-used = Это приглашение уже использовано. Если оно было для вас, попросите новую ссылку.
invite-expired = Срок действия приглашения истёк { $date }. Попросите координатора прислать новую ссылку.
roles-title = <b>Роли пользователей</b>
roles-line = { $number }. { $name } — { $role }{ $municipalities }
roles-empty = Пока ни у кого нет ролей, кроме администраторов из настроек.
roles-button-revoke = Отозвать роль у № { $number }
roles-revoke-confirm = Отозвать роль «{ $role }» у пользователя { $name }? Он станет обычным участником.
roles-button-yes = Да, отозвать роль
roles-button-no = Нет, оставить
roles-revoked = Роль отозвана: { $name } теперь участник.
roles-kept = Хорошо, роль осталась.
roles-not-allowed = Эту роль вы изменить не можете.
audit-caption = Журнал действий: кто что выгружал, менял и удалял.
command-invite = Пригласить координатора или консультанта
command-roles = Роли пользователей
command-audit = Журнал действий

## Consent and the person's own data.
consent-button-yes = ✅ Даю согласие
consent-button-no = Не даю согласия
consent-given = Спасибо! Согласие записано.
consent-already = Согласие уже записано, анкета открыта ниже.
consent-declined = Без вашего согласия мы не можем принять анкету «{ $title }». Ваши ответы не сохранялись. Если передумаете, откройте анкету снова.
mydata-title = <b>Что бот хранит о вас</b>
mydata-name = Имя: { $name }
mydata-username = Имя пользователя в Telegram: @{ $username }
mydata-role = Роль: { $role }
mydata-consent = Согласие на обработку данных: версия { $version }, дано { $date }.
mydata-no-consent = Согласия на обработку данных вы не давали.
mydata-erased = Ваши персональные данные удалены { $date }.
mydata-forms = Ваши анкеты:
mydata-form-line = { $number }. «{ $title }» — { $status }, ответов: { $answers }
mydata-status-draft = не отправлена
mydata-status-submitted = отправлена { $date }
mydata-no-forms = Анкет вы пока не заполняли.
mydata-hint = Удалить свои данные можно командой /delete_me.
mydata-button-file = 📄 Получить все ответы файлом
mydata-file-caption = Все сведения о вас и ваши ответы.
deleteme-confirm =
    Удалить ваши персональные данные?
    Будут удалены ваше имя, имя пользователя в Telegram, телефоны, адреса почты, файлы и ответы, написанные своими словами, а также неотправленные анкеты.
    Ответы-варианты и оценки останутся без вашего имени: они нужны для общей статистики.
    Отменить удаление будет нельзя.
deleteme-button-yes = Да, удалить мои данные
deleteme-button-no = Нет, ничего не удалять
deleteme-done = Готово: ваши персональные данные удалены. Исправлено ответов: { $answers }, удалено черновиков: { $drafts }.
deleteme-kept = Хорошо, ничего не удалено.
data-erased-marker = (удалено)
pseudonym = Участник { $code }
command-myschool = Моя школа: сведения для руководителя
command-mydata = Что бот хранит обо мне
command-delete-me = Удалить мои данные

# Профиль («О себе») в /mydata.
profile-kind-teacher = педагог
profile-kind-head = руководитель школы или заместитель
profile-kind-parent = родитель
profile-kind-other = другое
mydata-kind = Кто вы: { $kind }
mydata-school = Школа: «{ $school }»
mydata-no-school = Школа: не указана
mydata-not-said = не указано
mydata-muted = Напоминания об опросах: отключены
start-about-hint = Расскажите о себе: кто вы и из какой школы. Так рабочая группа сможет напомнить вам об опросе вашей школы. Это два вопроса.
