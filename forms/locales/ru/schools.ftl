## Schools as respondents: heads' claims, school reports, requests, /myschool.

head-claim-new =
    <b>Руководитель школы просит подтверждения</b>
    { $person } пишет, что руководит школой «{ $school }» ({ $municipality }) или работает там заместителем.
    Если вы подтвердите, он сможет отчитываться за школу в боте.
head-button-confirm = Подтвердить
head-button-decline = Не подтверждать
head-claim-sent = Спасибо! Координатор проверит, что вы руководите школой «{ $school }». Когда он подтвердит, мы напишем вам, и анкеты школы появятся в /start.
head-claim-confirmed = Подтверждено: { $person } — руководитель школы «{ $school }».
head-claim-declined = Не подтверждено: { $person } не будет отчитываться за школу «{ $school }».
head-claim-confirmed-you = Координатор подтвердил: вы руководитель школы «{ $school }» в боте. Анкеты школы — в /start, сведения о школе — в /myschool.
head-claim-declined-you = Координатор не подтвердил, что вы руководите школой «{ $school }». Если это ошибка, свяжитесь с муниципальным координатором.
head-claim-gone = Этого запроса больше нет.
head-claim-decided = По этому запросу уже решили, или человек изменил свою школу.
head-claims-none = Запросов руководителей школ нет.
head-claims-title = Руководители школ ждут подтверждения: { $count }.
head-claims-more = И ещё { $count }: подтвердите эти, затем снова отправьте /heads.
head-role-ended = Вы изменили свою школу или роль, поэтому больше не отчитываетесь за прежнюю школу.

## Schools' requests for support.
request-new =
    <b>Новая заявка школы</b>
    { $card }
request-card-title = <b>Заявка № { $number }</b>, школа «{ $school }»
request-sent = Заявка № { $number } отправлена координатору. Мы напишем вам и другим руководителям школы, когда её примут и когда выполнят.
request-button-accept = Принять заявку
request-button-done = Отметить выполненной
request-button-decline = Отклонить заявку
request-button-back = Назад к заявке
request-reason-not_ours = Не по профилю рабочей группы
request-reason-no_capacity = Нет возможности в этот срок
request-reason-duplicate = Такая заявка уже есть
request-reason-withdrawn = Школа отозвала заявку
request-status-new = Статус: новая, её ещё никто не принял.
request-status-accepted = Статус: принята.
request-status-done = Статус: выполнена.
request-status-declined = Статус: отклонена.
request-status-by = Ответственный: { $person }.
request-accepted-school = Заявку № { $number } приняли. Ответственный: { $person }. Он свяжется со школой.
request-done-school = Заявка № { $number } выполнена. Спасибо, что обратились!
request-declined-school = Заявку № { $number } отклонили. Причина: «{ $reason }». Если остались вопросы, свяжитесь с муниципальным координатором.
request-gone = Этой заявки больше нет.
request-moved-on = Заявку уже приняли, выполнили или отклонили: откройте /support, чтобы увидеть, где она сейчас.
request-none-open = Открытых заявок школ нет.
request-open-title = Открытые заявки школ: { $count }.
request-open-more = И ещё { $count }: сначала разберите эти.

## /myschool: the school's picture next to the municipality's.
picture-title = <b>Моя школа: «{ $school }»</b>
picture-status-low-results = ШНОР
picture-status-difficult = ШНСУ
picture-status = { $years ->
    [1] В статусе { $status } первый учебный год.
    [one] В статусе { $status } { $years } учебный год подряд, включая этот.
    [few] В статусе { $status } { $years } учебных года подряд, включая этот.
   *[many] В статусе { $status } { $years } учебных лет подряд, включая этот.
}
picture-wave = Самодиагностика педагогов, этап «{ $wave }».
picture-answered-of = Ответили { $answered } из { $expected } педагогов (по справочнику).
picture-answered = Ответили педагогов: { $answered }.
picture-areas = <b>Затруднения педагогов</b> (1 — нет затруднений, 5 — серьёзные), школа / «{ $municipality }»:
picture-support = <b>Какая поддержка нужна</b> (доля педагогов), школа / муниципалитет:
picture-line = • { $label }: { $school } / { $municipality }
picture-too-few = недостаточно ответов
picture-requests = <b>Заявки школы</b>: { $requests }.
picture-no-requests = Заявок на поддержку школа пока не отправляла: анкета «Заявка школы на поддержку» в /start.
picture-note = Ответы педагогов обезличены. Если ответов меньше { $minimum }, цифры не показываются: «недостаточно ответов». Таблица — в файле ниже.
picture-not-head = Сведения о школе видит её руководитель или заместитель, когда координатор подтвердит его. Заполните «О себе» в /mydata: выберите «Руководитель школы или заместитель» и свою школу.
picture-sheet = Моя школа
picture-file = Школа { $school }.xlsx
picture-wave-label = Этап самодиагностики
picture-answered-label = Ответили педагогов (из них по справочнику)
picture-column-area = Показатель
picture-column-status = Статус заявки
picture-column-count = Заявок
picture-areas-title = Затруднения педагогов: средняя оценка от 1 (нет) до 5 (серьёзные)
picture-support-title = Какая поддержка нужна: доля педагогов, %
picture-requests-title = Заявки школы на поддержку
