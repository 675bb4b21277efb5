## /review: the staff's review of sent responses (ODK Central's review states), and the
## respondent's «Исправить». Address the user as «вы»; short sentences; «ёлочки».

review-status-received = Не проверен
review-status-approved = Принято
review-status-has-issues = Есть вопросы
review-status-rejected = Отклонено
review-status-corrected = Исправлено, ждёт проверки

review-no-forms = Вам пока нечего проверять: нет анкет, реестры которых вам доступны.
review-choose-form = Выберите анкету, ответы которой хотите проверить. Можно сразу открыть ответ по номеру из реестра: /review 123.
review-how = Напишите номер ответа из реестра, например: /review 123. Или отправьте /review без номера, чтобы выбрать анкету.
review-list-title =
    «{ $title }»: { $total ->
        [one] { $total } ответ
        [few] { $total } ответа
       *[other] { $total } ответов
    }, не проверено: { $awaiting }.
    Сначала — не проверенные. Страница { $page } из { $pages }.
review-list-empty = «{ $title }»: отправленных ответов пока нет.
review-list-item = № { $number } · { $date } · { $status }
review-button-previous = ← Предыдущие
review-button-next = Следующие →
review-button-forms = К списку анкет
review-button-list = К списку ответов
review-button-open = Открыть ответ № { $number }

review-card-title = <b>Ответ № { $number }</b> — «{ $title }»
review-card-sent = Отправлен: { $at }
review-card-school = Школа: { $school }
review-card-respondent = Кто ответил: { $name }
review-card-status = <b>Статус проверки:</b> { $status }
review-card-comment = Комментарий: «{ $comment }»
review-card-history = <b>История проверки:</b>
review-history-status = • { $at }, { $who }: { $status }
review-history-comment = — «{ $comment }»
review-history-change = • { $at }, { $who }: «{ $question }»: было «{ $old }», стало «{ $new }»
review-hidden = скрыто
review-no-answer = нет ответа
review-respondent = респондент

review-button-approve = ✅ Принять
review-button-issues = ❓ Есть вопросы
review-button-reject = Отклонить
review-button-cancel = Отмена
review-button-fix = ✏️ Исправить

review-ask-comment = Напишите одним сообщением, что уточнить в ответе № { $number } (не больше { $limit } знаков). Респондент получит ваш вопрос и кнопку «Исправить».
review-ask-reason = Напишите одним сообщением причину, по которой ответ № { $number } отклонён (не больше { $limit } знаков). Респондент её получит.
review-type-text = Напишите комментарий текстом или нажмите «Отмена».
review-comment-too-long = Комментарий длиннее { $limit } знаков: в нём { $length }. Сократите его и отправьте ещё раз.
review-cancelled = Хорошо, статус не изменён.
review-set = Ответ № { $number }: статус «{ $status }».
review-same-status = У ответа уже этот статус.
review-changed = Пока вы решали, статус этого ответа изменился. Вот ответ сейчас: посмотрите и решите ещё раз.
review-no-questions = По ответам этой анкеты уже идёт работа (заявка, консультация или пара), поэтому вопросы к ним не задаются. Примите ответ или отклоните его с причиной.
review-gone = Этот ответ не найден или недоступен вам.
review-replaced = Ответ № { $number } заменён исправлением. Откройте список ответов, чтобы найти новый.

review-notice-approved = Ваш ответ № { $number } на анкету «{ $title }» принят. Спасибо!
review-notice-has-issues =
    По вашему ответу № { $number } на анкету «{ $title }» есть вопросы:
    «{ $comment }»
    Нажмите «Исправить», чтобы изменить ответ. Исправленный ответ заменит прежний.
review-notice-rejected = Ваш ответ № { $number } на анкету «{ $title }» отклонён. Причина: «{ $comment }».
review-notice-corrected = Ответ № { $old } на анкету «{ $title }» исправлен, теперь это ответ № { $new }. { $changes ->
        [0] Ответы не изменились.
        [one] Изменён { $changes } вопрос.
        [few] Изменено { $changes } вопроса.
       *[other] Изменено { $changes } вопросов.
    } Он ждёт проверки.

review-fix-intro = Исправление ответа № { $number }. Ниже — ваши ответы: нажмите на номер, чтобы изменить ответ, затем «Отправить». Исправленный ответ заменит прежний.
review-fix-sent = Исправление отправлено. Координатор проверит ответ ещё раз.
review-fix-not-yours = Эта кнопка не для вас: исправить ответ может только тот, кто его отправил.
review-fix-replaced = Ответ № { $number } уже исправлен.
review-fix-not-asked = По ответу № { $number } сейчас нет вопросов: исправлять его не нужно.
review-fix-erased = Ваши данные удалены по вашей просьбе, поэтому этот ответ исправить нельзя.
review-fix-draft-in-way = У вас есть незаконченная анкета «{ $title }». Отправьте или удалите её (/start), затем нажмите «Исправить» ещё раз.

register-column-review-status = Статус проверки
register-column-review-comment = Комментарий проверки
register-about-review-status = Статус проверки ответа: не проверен, принято, есть вопросы, отклонено, исправлено и ждёт проверки.
register-about-review-comment = Последний вопрос или причина отказа от проверяющего.
register-sheet-review = История проверки
review-sheet-number = № ответа
review-sheet-at = Когда
review-sheet-who = Кто
review-sheet-status = Статус
review-sheet-comment = Комментарий
review-sheet-question = Вопрос
review-sheet-old = Было
review-sheet-new = Стало
