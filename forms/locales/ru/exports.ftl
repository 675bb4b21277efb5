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
