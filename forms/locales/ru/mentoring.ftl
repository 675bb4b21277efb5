## Mentoring pairs: the mentee's invitation, /pairs and the pairs' buttons.
## A pair's { $title } is «№ 12 «Математика»»: sentences put «пара», «в паре», «пару» before it.

command-pairs = Мои наставнические пары

## After the mentor has sent the registration form.
mentoring-registered =
    Пара № { $number } зарегистрирована и ждёт подтверждения наставляемого.
    Перешлите наставляемому ссылку-приглашение: { $link }
    Ссылка действует один раз. Когда наставляемый подтвердит участие, я сообщу вам. Ваши пары — /pairs.
mentoring-registered-no-link =
    Пара № { $number } зарегистрирована и ждёт подтверждения наставляемого.
    Ссылку-приглашение для наставляемого можно получить командой /pairs.
mentoring-button-share = 📨 Переслать ссылку наставляемому
mentoring-share-text = Приглашаю вас в наставническую пару. Откройте ссылку и подтвердите участие.

## A pair in text.
mentoring-pair-title = № { $number } «{ $topic }»
mentoring-no-topic = без предмета
mentoring-nobody = ещё не подтвердил участие
mentoring-field-mentor_school = Школа наставника: { $value }
mentoring-field-mentee_school = Школа наставляемого: { $value }
mentoring-field-mentoring_form = Форма наставничества: { $value }
mentoring-field-subject = Предмет: { $value }
mentoring-field-difficulty = Затруднение: { $value }
mentoring-field-start_date = Начало работы: { $value }
mentoring-field-planned_end = Плановое завершение: { $value }
mentoring-field-meeting_plan = Встречи: { $value }
mentoring-status-pending = ждёт подтверждения наставляемого
mentoring-status-active = действует
mentoring-status-completed = завершена
mentoring-status-dissolved = расторгнута
mentoring-reason-job_change = Смена места работы
mentoring-reason-absence = Длительное отсутствие (болезнь, отпуск)
mentoring-reason-mismatch = Не сложилось взаимодействие
mentoring-reason-mistake = Пара зарегистрирована по ошибке
mentoring-reason-declined = Наставляемый отказался от участия
mentoring-reason-cancelled = Наставник отменил приглашение
mentoring-no-reason = Причина не указана
mentoring-who-mentor = наставник { $name }
mentoring-who-mentee = наставляемый { $name }

## The invitation link, opened by the mentee.
mentoring-invitation =
    <b>Приглашение в наставническую пару</b>
    Наставник { $mentor } приглашает вас в пару { $title }.
mentoring-invitation-ask = Если вы договорились с наставником о совместной работе, подтвердите участие. Наставник увидит ваше имя в Telegram.
mentoring-button-confirm = ✅ Подтвердить участие
mentoring-button-decline = Отказаться от участия
mentoring-link-unknown = Приглашение не найдено. Проверьте, что ссылка скопирована целиком, или попросите наставника прислать её ещё раз.
mentoring-own-link = Это ваша ссылка-приглашение в пару № { $number }. Перешлите её наставляемому: участие подтверждает он сам.
mentoring-invitation-closed = Это приглашение больше не действует: пара расторгнута. Если работа в паре нужна, попросите наставника зарегистрировать пару заново.
mentoring-link-used = Это приглашение уже использовано: участие в паре подтвердил другой человек. Если это ошибка, свяжитесь с наставником.
mentoring-already-confirmed = Пара уже подтверждена. Ваши пары — /pairs.
mentoring-subject-taken =
    У вас уже есть действующая пара «{ $topic }», наставник { $mentor }.
    По одному предмету у наставляемого может быть только один наставник. Когда работа той пары завершится, откройте ссылку-приглашение снова.
mentoring-subject-taken-alert = У вас уже есть действующая пара по этому предмету. Вторую пару по нему подтвердить нельзя.
mentoring-confirmed =
    Спасибо! Вы подтвердили участие в паре { $title }. Наставник: { $mentor }.
    Записывайте встречи кнопкой ниже или командой /pairs.
mentoring-confirmed-notice =
    Наставляемый { $mentee } подтвердил участие в паре { $title }. Пара начала работу.
    Записывайте встречи кнопкой ниже или командой /pairs.
mentoring-decline-ask = Отказаться от участия в паре? Приглашение перестанет действовать, наставник { $mentor } получит уведомление.
mentoring-button-decline-yes = Да, отказаться
mentoring-button-back-invitation = Нет, вернуться к приглашению
mentoring-declined = Вы отказались от участия в паре. Наставник получил уведомление.
mentoring-declined-notice = Наставляемый { $mentee } отказался от участия в паре { $title }. Пара расторгнута. Если нужно, зарегистрируйте пару заново.

## /pairs
mentoring-no-pairs =
    У вас пока нет наставнических пар.
    Наставник регистрирует пару так: /start → «📝 Заполнить анкету» → «Регистрация наставнической пары». Наставляемый получает от наставника ссылку-приглашение.
mentoring-card-title = <b>Пара { $title }</b>: { $status }
mentoring-card-you-mentor = Вы — наставник. Наставляемый: { $mentee }.
mentoring-card-you-mentee = Вы — наставляемый. Наставник: { $mentor }.
mentoring-card-meetings = Встреч записано: { $count }
mentoring-card-link = Ссылка-приглашение для наставляемого: { $link }
mentoring-closed-head = <b>Завершённые и расторгнутые пары</b>
mentoring-closed-completed = Пара { $title }: завершена { $date }, встреч: { $count }
mentoring-closed-dissolved = Пара { $title }: расторгнута { $date }, причина «{ $reason }», встреч: { $count }

## The buttons of a pair.
mentoring-button-meeting = 📝 Записать встречу
mentoring-button-complete = 🏁 Завершить работу пары
mentoring-button-dissolve = Расторгнуть пару
mentoring-button-cancel = Отменить приглашение
mentoring-stale = Эта кнопка больше не действует. Ваши пары — /pairs.
mentoring-now-pending = Пара ещё ждёт подтверждения наставляемого.
mentoring-now-active = Пара уже подтверждена.
mentoring-now-completed = Работа пары уже завершена.
mentoring-now-dissolved = Пара уже расторгнута.
mentoring-complete-ask = Завершить работу пары { $title }? Записывать встречи после этого будет нельзя. Вторая сторона пары получит уведомление.
mentoring-button-complete-yes = Да, завершить работу пары
mentoring-button-keep-working = Нет, продолжить работу
mentoring-completed = Работа пары { $title } завершена. Спасибо!
mentoring-completed-notice = Работа пары { $title } завершена. Инициатор: { $who }.
mentoring-dissolve-reasons = Почему пара { $title } расторгается? Выберите причину.
mentoring-button-keep-pair = Нет, не расторгать пару
mentoring-dissolve-ask = Расторгнуть пару { $title }? Причина: «{ $reason }». Отменить это будет нельзя, вторая сторона пары получит уведомление.
mentoring-button-dissolve-yes = Да, расторгнуть пару
mentoring-dissolved = Пара { $title } расторгнута. Причина: «{ $reason }».
mentoring-dissolved-notice = Пара { $title } расторгнута. Причина: «{ $reason }». Инициатор: { $who }.
mentoring-cancel-ask = Отменить приглашение в пару { $title }? Ссылка перестанет действовать, пара будет расторгнута.
mentoring-button-cancel-yes = Да, отменить приглашение
mentoring-button-keep-invitation = Нет, оставить приглашение
mentoring-cancelled = Приглашение отменено, пара { $title } расторгнута.
