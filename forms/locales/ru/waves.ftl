## Monitoring waves (/waves): a coordinator opens and closes them.
waves-title = <b>Этапы мониторинга</b>
waves-no-forms = Нет анкет, которые проводятся этапами (входной, промежуточный, итоговый мониторинг).
waves-form = { "" }
    Анкета «{ $title }»:
waves-none = — этапов ещё не было.
waves-line-open = — «{ $wave }», с { $start } по { $end }: идёт.
waves-line-closed = — «{ $wave }», с { $start } по { $end }: завершён.
waves-button-open = Начать этап: { $title }
waves-button-close = Завершить этап «{ $wave }»
waves-choose-kind = Какой этап начать для анкеты «{ $title }»? Педагоги смогут ответить сразу.
waves-button-kind = { $kind } (до { $date })
waves-already-open = Этап «{ $wave }» уже идёт. Сначала завершите его.
waves-opened = Этап «{ $wave }» начат. Педагоги могут ответить на анкету «{ $title }» до { $date } включительно.
waves-close-confirm = Завершить этап «{ $wave }»? После этого ответы на этот этап не принимаются.
waves-button-close-yes = Да, завершить этап
waves-button-close-no = Нет, пусть идёт
waves-close-kept = Хорошо, этап продолжается.
waves-closed = Этап «{ $wave }» завершён. Ответы на него больше не принимаются.
waves-already-closed = Этот этап уже завершён.
