## Throttling (bot/throttling.py): one notice per episode of too frequent updates.
## Address the user as «вы»; short sentences. The button notice is a toast: up to 200 characters.

throttle-notice-message =
    Вы отправляете сообщения слишком часто. Подождите несколько секунд.
    Ответы, на которые бот уже ответил, сохранены. Если бот не ответил на последнее сообщение, отправьте его ещё раз.
throttle-notice-button = Вы нажимаете кнопки слишком часто. Подождите несколько секунд и нажмите ещё раз. Принятые ответы сохранены.
