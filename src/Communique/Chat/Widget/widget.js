// Communique's web chat widget: the one script a page needs, from its tag
// <script src="{server}/public/chat/widget.js" data-widget="KEY" async></script>.
// It calls only the server it came from, draws inside a shadow root so that the page's styles and its own do not
// meet, keeps the conversation's id and token in localStorage so that a reload or the next page goes on with the
// same conversation, and handles every failure itself: a page that embeds it never sees it throw.
(() => {
    'use strict';

    const script = document.currentScript;
    const key = script?.dataset.widget;
    if (!key || !script.src) {
        return;
    }

    // The folder the script came from, /public/chat/, which keeps a path prefix a proxy may add before it.
    const base = new URL('.', script.src).href;
    const storageKey = `communique-chat:${key}`;
    // A flow ends a conversation after at most a day of silence, so an older one is not worth resuming.
    const rememberedFor = 24 * 60 * 60 * 1000;
    const typingShownFor = 6000;
    const typingSentEvery = 3000;
    const people = { user: 'You', bot: 'Bot', agent: 'Agent', system: 'Notice' };

    const styles = `
        :host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483000;
            font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
            --bg: #ffffff; --fg: #1f1f1f; --muted: #555555; --bubble: #efefef; --line: #c4c4c4;
            --focus: #0b57d0; --error: #a50e0e; color: var(--fg); }
        @media (prefers-color-scheme: dark) {
            :host { --bg: #1c1c1e; --fg: #f2f2f2; --muted: #b8b8b8; --bubble: #2e2e31; --line: #5a5a5e;
                --focus: #a8c7fa; --error: #ffb4ab; }
            .buttons button, .buttons a { border-color: var(--muted) !important; }
        }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        button, input { font: inherit; color: inherit; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        .launcher { display: block; margin-left: auto; width: 56px; height: 56px; border: 0; border-radius: 50%;
            background: var(--accent); color: var(--on-accent); cursor: pointer; position: relative;
            box-shadow: 0 2px 8px rgba(0, 0, 0, 0.3); }
        /* The ring sits on the page, whose colours are unknown: white inside black shows on any of them. */
        .launcher:focus-visible { outline: 2px solid transparent; box-shadow: 0 0 0 2px #ffffff, 0 0 0 5px #000000; }
        .launcher svg { width: 28px; height: 28px; vertical-align: middle; }
        .launcher.unread::after { content: ""; position: absolute; top: 4px; right: 4px; width: 12px; height: 12px;
            border-radius: 50%; background: var(--error); border: 2px solid var(--bg); }
        .panel { position: absolute; right: 0; bottom: 72px; width: min(370px, calc(100vw - 32px));
            height: min(560px, calc(100vh - 104px)); display: flex; flex-direction: column; background: var(--bg);
            border: 1px solid var(--line); border-radius: 12px; overflow: hidden;
            box-shadow: 0 6px 24px rgba(0, 0, 0, 0.3); }
        header { display: flex; align-items: center; gap: 10px; padding: 10px 12px; background: var(--accent);
            color: var(--on-accent); }
        header img { width: 32px; height: 32px; border-radius: 50%; object-fit: cover; }
        h2 { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }
        .close { width: 36px; height: 36px; border: 0; border-radius: 6px; background: transparent;
            color: inherit; font-size: 22px; line-height: 1; cursor: pointer; }
        .close:focus-visible { outline-color: var(--on-accent); outline-offset: -4px; }
        .log { flex: 1; overflow-y: auto; margin: 0; padding: 12px; list-style: none; }
        .log > li { width: fit-content; max-width: 85%; margin: 0 0 10px; }
        .log > li.user { margin-left: auto; }
        .bubble { padding: 8px 12px; border-radius: 12px; background: var(--bubble); overflow-wrap: anywhere; }
        .user .bubble { background: var(--accent); color: var(--on-accent); }
        .agent .bubble { border: 2px solid var(--accent); }
        .user .bubble a { color: inherit; }
        .bubble p { margin: 0; }
        .bubble p + *, .bubble .html > * + * { margin-top: 6px; }
        .bubble .html > :first-child { margin-top: 0; }
        .bubble .html > :last-child { margin-bottom: 0; }
        .bubble a { color: var(--focus); }
        .who { display: block; font-size: 13px; color: var(--muted); margin-bottom: 2px; }
        .log > li.system { width: auto; max-width: 100%; text-align: center; font-size: 13px; color: var(--muted); }
        .system .bubble { background: transparent; padding: 0; }
        .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
        .buttons button, .buttons a { padding: 6px 12px; border: 1px solid var(--accent-line); border-radius: 16px;
            background: var(--bg); color: var(--fg); text-decoration: none; cursor: pointer; }
        .card { margin-top: 8px; border: 1px solid var(--line); border-radius: 10px; overflow: hidden;
            background: var(--bg); }
        .card img { display: block; width: 100%; max-height: 160px; object-fit: cover; }
        .card .body { padding: 8px 10px; }
        .card h3 { margin: 0; font-size: 15px; }
        .card p { margin: 2px 0 0; color: var(--muted); }
        .links { margin: 8px 0 0; padding-left: 18px; }
        .typing, .error { margin: 0; padding: 4px 12px; font-size: 13px; }
        .typing { color: var(--muted); }
        .error { color: var(--error); }
        form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--line); }
        input { flex: 1; min-width: 0; padding: 8px 10px; border: 1px solid var(--muted); border-radius: 8px;
            background: var(--bg); }
        form button { padding: 8px 14px; border: 0; border-radius: 8px; background: var(--accent);
            color: var(--on-accent); font-weight: 600; cursor: pointer; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
            white-space: nowrap; }
    `;

    const icon = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" ' +
        'd="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2zm3 6v2h10V9H7zm0 4v2h7v-2H7z"/></svg>';

    const state = {
        look: null,
        conversation: null,
        shown: new Map(),
        source: null,
        reconnectDelay: 1000,
        reconnectTimer: 0,
        typingTimer: 0,
        typingSentAt: 0,
        starting: null,
        sending: Promise.resolve(),
        pending: null,
        open: false,
    };
    let ui = null;

    function element(tag, attributes, text) {
        const created = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) {
            created.setAttribute(name, value);
        }

        if (text !== undefined && text !== null) {
            created.textContent = text;
        }

        return created;
    }

    // Only web addresses leave the widget as links or images, whatever a flow was given.
    function webUrl(value) {
        try {
            const url = new URL(value, base);
            return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
        } catch {
            return null;
        }
    }

    // Black or white, whichever reads better on the widget's colour (WCAG relative luminance).
    function readableOn(hex) {
        const channels = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        const luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
        return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
    }

    async function call(method, path, body) {
        const headers = {};
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
        }

        if (state.conversation && path.startsWith('conversations/')) {
            headers['X-Chat-Token'] = state.conversation.token;
        }

        try {
            const response = await fetch(base + path, {
                method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit',
            });
            const data = (response.headers.get('Content-Type') || '').includes('json')
                ? await response.json().catch(() => null)
                : null;
            return { ok: response.ok, status: response.status, data };
        } catch {
            return { ok: false, status: 0, data: null };
        }
    }

    function remember() {
        const c = state.conversation;
        try {
            if (c) {
                localStorage.setItem(storageKey, JSON.stringify({ id: c.id, token: c.token, last: c.last, at: c.at }));
            } else {
                localStorage.removeItem(storageKey);
            }
        } catch {
            // Storage can be off (a private window, a sandboxed frame): the conversation lasts as long as the page.
        }
    }

    function remembered() {
        try {
            const saved = JSON.parse(localStorage.getItem(storageKey) || 'null');
            if (saved && typeof saved.id === 'string' && typeof saved.token === 'string'
                && Date.now() - (saved.at || 0) < rememberedFor) {
                return { id: saved.id, token: saved.token, last: Number(saved.last) || 0, at: saved.at };
            }
        } catch {
            // Unreadable: as if nothing were remembered.
        }

        return null;
    }

    // The messages shown stay on screen, out of the order of the next conversation's.
    function forget() {
        disconnect();
        state.conversation = null;
        state.shown.clear();
        for (const view of ui.log.querySelectorAll('[data-sequence]')) {
            delete view.dataset.sequence;
        }

        remember();
    }

    function showError(text) {
        ui.error.textContent = text || '';
        ui.error.hidden = !text;
    }

    function build(look) {
        const host = document.createElement('communique-chat');
        const root = host.attachShadow({ mode: 'open' });
        try {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync(styles);
            root.adoptedStyleSheets = [sheet];
        } catch {
            root.append(element('style', {}, styles));
        }

        host.style.setProperty('--accent', look.colour);
        host.style.setProperty('--on-accent', readableOn(look.colour));
        // Outlined buttons take the page's text colour when the widget's colour is too light to see as a border.
        host.style.setProperty('--accent-line', readableOn(look.colour) === '#000000' ? 'var(--muted)' : look.colour);

        const launcher = element('button', {
            type: 'button', class: 'launcher', 'aria-label': `Chat with ${look.title}`, 'aria-expanded': 'false',
            'aria-controls': 'panel',
        });
        launcher.innerHTML = icon;

        const panel = element('section', { id: 'panel', class: 'panel', role: 'dialog', 'aria-label': look.title });
        panel.hidden = true;
        const header = element('header');
        const avatar = look.avatarUrl && webUrl(look.avatarUrl);
        if (avatar) {
            header.append(element('img', { src: avatar, alt: '' }));
        }

        const close = element('button', { type: 'button', class: 'close', 'aria-label': 'Close chat' }, '×');
        header.append(element('h2', {}, look.title), close);
        const log = element('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
        const typing = element('p', { class: 'typing' }, 'An agent is typing…');
        typing.hidden = true;
        const error = element('p', { class: 'error', role: 'status' });
        error.hidden = true;
        const form = element('form');
        const input = element('input', {
            id: 'text', type: 'text', autocomplete: 'off', maxlength: '4000', placeholder: 'Write a message',
        });
        const send = element('button', { type: 'submit' }, 'Send');
        form.append(element('label', { for: 'text', class: 'visually-hidden' }, 'Message'), input, send);
        panel.append(header, log, typing, error, form);
        root.append(panel, launcher);

        launcher.addEventListener('click', () => (state.open ? hide(true) : show()));
        close.addEventListener('click', () => hide(true));
        panel.addEventListener('keydown', event => {
            if (event.key === 'Escape') {
                event.preventDefault();
                hide(true);
            }
        });
        form.addEventListener('submit', event => {
            event.preventDefault();
            const text = input.value.trim();
            input.value = '';
            if (text) {
                submit(text);
            }
        });
        input.addEventListener('input', typed);

        (document.body || document.documentElement).append(host);
        return { launcher, panel, log, typing, error, input, title: look.title };
    }

    function show() {
        state.open = true;
        ui.panel.hidden = false;
        ui.launcher.setAttribute('aria-expanded', 'true');
        unread(false);
        ui.input.focus();
        scrollDown();
        seen();
        if (!state.conversation) {
            start();
        }
    }

    function hide(refocus) {
        state.open = false;
        ui.panel.hidden = true;
        ui.launcher.setAttribute('aria-expanded', 'false');
        if (refocus) {
            ui.launcher.focus();
        }
    }

    function unread(yes) {
        ui.launcher.classList.toggle('unread', yes);
        ui.launcher.setAttribute('aria-label', yes ? `Chat with ${ui.title}, new messages` : `Chat with ${ui.title}`);
    }

    function scrollDown() {
        ui.log.scrollTop = ui.log.scrollHeight;
    }

    // Notes when the conversation last moved, and, with the panel open, the last message the visitor has seen.
    function seen() {
        const c = state.conversation;
        if (c) {
            c.last = state.open ? Math.max(c.last, ...state.shown.keys()) : c.last;
            c.at = Date.now();
            remember();
        }
    }

    function buttonsOf(buttons) {
        const row = element('div', { class: 'buttons' });
        for (const button of buttons || []) {
            const url = button.url && webUrl(button.url);
            if (url) {
                row.append(element('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, button.label));
            } else if (!button.url) {
                const choice = element('button', { type: 'button' }, button.label);
                choice.addEventListener('click', () => submit(button.value || button.label));
                row.append(choice);
            }
        }

        return row;
    }

    function messageView(message) {
        const item = element('li', { class: message.sender });
        const bubble = element('div', { class: 'bubble' });
        const who = people[message.sender] || message.sender;
        // The log is read aloud one item at a time, so each says who is speaking; on screen only an agent is named.
        bubble.append(element('span', { class: message.sender === 'agent' ? 'who' : 'visually-hidden' },
            message.sender === 'agent' ? 'Agent (a person)' : `${who}:`));
        if (message.text) {
            bubble.append(element('p', {}, message.text));
        }

        if (message.html) {
            const html = element('div', { class: 'html' });
            html.innerHTML = message.html;
            for (const link of html.querySelectorAll('a[href]')) {
                link.setAttribute('target', '_blank');
                link.setAttribute('rel', 'noopener noreferrer');
            }

            bubble.append(html);
        }

        if (message.buttons?.length) {
            bubble.append(buttonsOf(message.buttons));
        }

        for (const card of message.cards || []) {
            const view = element('article', { class: 'card' });
            const image = card.imageUrl && webUrl(card.imageUrl);
            if (image) {
                view.append(element('img', { src: image, alt: '' }));
            }

            const body = element('div', { class: 'body' });
            if (card.title) {
                body.append(element('h3', {}, card.title));
            }

            if (card.subtitle) {
                body.append(element('p', {}, card.subtitle));
            }

            if (card.buttons?.length) {
                body.append(buttonsOf(card.buttons));
            }

            view.append(body);
            bubble.append(view);
        }

        if (message.links?.length) {
            const list = element('ul', { class: 'links' });
            for (const link of message.links) {
                const url = webUrl(link.url);
                if (url) {
                    const entry = element('li');
                    entry.append(element('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, link.label));
                    list.append(entry);
                }
            }

            bubble.append(list);
        }

        if (message.attachment && state.conversation) {
            // The download carries the conversation's token in its address: a link cannot send a header.
            const file = message.attachment;
            const href = `${base}conversations/${state.conversation.id}/attachments/${file.id}`
                + `?token=${encodeURIComponent(state.conversation.token)}`;
            const size = file.size < 1024 * 1024
                ? `${Math.max(1, Math.round(file.size / 1024))} KB`
                : `${(file.size / 1024 / 1024).toFixed(1)} MB`;
            bubble.append(element('a', { class: 'file', href, download: file.name, rel: 'noopener noreferrer' },
                `${file.name} (${size})`));
        }

        item.append(bubble);
        return item;
    }

    // Messages arrive from the answers to the widget's own calls and from the stream, in either order and sometimes
    // twice: each sequence number is shown once, in its place.
    function showMessages(messages, live) {
        for (const message of messages || []) {
            if (typeof message?.sequence !== 'number' || state.shown.has(message.sequence)) {
                continue;
            }

            const view = messageView(message);
            view.dataset.sequence = String(message.sequence);
            const after = [...ui.log.children].find(li => Number(li.dataset.sequence) > message.sequence);
            ui.log.insertBefore(view, after || state.pending || null);
            state.shown.set(message.sequence, view);
            if (message.sender === 'user' && state.pending?.textContent.endsWith(message.text)) {
                state.pending.remove();
                state.pending = null;
            }

            if (message.sender !== 'user') {
                ui.typing.hidden = true;
                if (live && !state.open) {
                    unread(true);
                }
            }
        }

        scrollDown();
        seen();
    }

    function notice(text) {
        const item = element('li', { class: 'system' });
        item.append(element('div', { class: 'bubble' }, text));
        ui.log.append(item);
        scrollDown();
    }

    function changed(conversationState) {
        if (conversationState === 'taken-over') {
            notice('An agent has joined the conversation.');
        } else if (conversationState === 'ended') {
            notice('The conversation has ended. Write again to start a new one.');
            forget();
        }
    }

    async function start() {
        if (!state.starting) {
            state.starting = (async () => {
                const started = await call('POST', `widgets/${encodeURIComponent(key)}/conversations`, {});
                if (!started.ok || !started.data?.conversation) {
                    showError('Sorry, the chat could not start. Please try again in a moment.');
                    return false;
                }

                showError('');
                state.conversation = { id: started.data.conversation.id, token: started.data.token, last: 0,
                    at: Date.now() };
                remember();
                showMessages(started.data.messages, true);
                connect();
                return true;
            })();
        }

        try {
            return await state.starting;
        } finally {
            state.starting = null;
        }
    }

    // The history of a remembered conversation, page by page; false when the conversation is gone.
    async function catchUp() {
        const c = state.conversation;
        let after = Math.max(0, ...state.shown.keys());
        for (;;) {
            const read = await call('GET', `conversations/${c.id}/messages?after=${after}&limit=200`);
            if (read.status === 404) {
                forget();
                return false;
            }

            if (!read.ok || !read.data) {
                return true;
            }

            showMessages(read.data.items, false);
            if (!read.data.items?.length || read.data.next <= after) {
                return true;
            }

            after = read.data.next;
        }
    }

    function connect() {
        disconnect();
        const c = state.conversation;
        const after = Math.max(0, ...state.shown.keys());
        const source = new EventSource(
            `${base}conversations/${c.id}/events?after=${after}&token=${encodeURIComponent(c.token)}`);
        state.source = source;
        source.addEventListener('open', () => {
            state.reconnectDelay = 1000;
        });
        source.addEventListener('message', event => showMessages([parse(event.data)], true));
        source.addEventListener('state', event => changed(parse(event.data)?.state));
        source.addEventListener('typing', event => {
            if (parse(event.data)?.typing === 'agent') {
                ui.typing.hidden = false;
                clearTimeout(state.typingTimer);
                state.typingTimer = setTimeout(() => {
                    ui.typing.hidden = true;
                }, typingShownFor);
            }
        });
        // The browser retries a dropped stream by itself (with Last-Event-ID); one it gave up on (an error answer)
        // is retried here, later and later, after reading what it missed, or forgotten when the server has no
        // such conversation any more.
        source.addEventListener('error', () => {
            if (source.readyState !== EventSource.CLOSED || state.source !== source) {
                return;
            }

            state.source = null;
            state.reconnectTimer = setTimeout(async () => {
                if (state.conversation === c && await catchUp() && state.conversation === c) {
                    connect();
                }
            }, state.reconnectDelay);
            state.reconnectDelay = Math.min(state.reconnectDelay * 2, 30000);
        });
    }

    function disconnect() {
        clearTimeout(state.reconnectTimer);
        state.source?.close();
        state.source = null;
    }

    function parse(data) {
        try {
            return JSON.parse(data);
        } catch {
            return null;
        }
    }

    // One message at a time, in the order they were written.
    function submit(text) {
        state.sending = state.sending.then(() => deliver(text, 0)).catch(() => {
            dropPending();
            showError('Sorry, the message could not be sent. Please try again.');
        });
    }

    // tries: 0 at first, 1 after a conflict, 2 in a conversation started because the first one had ended.
    async function deliver(text, tries) {
        if (!state.conversation && !await start()) {
            restore(text);
            return;
        }

        if (!state.pending) {
            // Shown until the server's answer brings the message with its sequence number.
            state.pending = messageView({ sender: 'user', text });
            ui.log.append(state.pending);
            scrollDown();
        }

        const sent = await call('POST', `conversations/${state.conversation.id}/messages`, { text });
        const ended = sent.status === 404
            || (sent.status === 409 && String(sent.data?.type).endsWith(':conversation-ended'));
        if (sent.status === 409 && !ended && tries === 0) {
            // Another tab's message was handled at the same moment: sending again is right.
            await new Promise(resolve => setTimeout(resolve, 500));
            return deliver(text, 1);
        }

        dropPending();
        if (ended && tries < 2) {
            notice('This conversation has ended; a new one starts.');
            forget();
            return deliver(text, 2);
        }

        if (sent.ok && sent.data) {
            showError('');
            showMessages(sent.data.messages, true);
            if (sent.data.conversation?.state === 'ended') {
                changed('ended');
            }
        } else {
            showError(sent.status === 400
                ? 'Sorry, that message could not be sent. Please shorten or rephrase it.'
                : 'Sorry, the message could not be sent. Please check your connection and try again.');
            restore(text);
        }
    }

    function dropPending() {
        state.pending?.remove();
        state.pending = null;
    }

    function restore(text) {
        if (!ui.input.value) {
            ui.input.value = text;
        }
    }

    function typed() {
        const c = state.conversation;
        if (c && ui.input.value && Date.now() - state.typingSentAt > typingSentEvery) {
            state.typingSentAt = Date.now();
            call('POST', `conversations/${c.id}/typing`);
        }
    }

    async function init() {
        const look = await call('GET', `widgets/${encodeURIComponent(key)}`);
        // A widget that is gone, or not meant for this page, shows nothing.
        if (!look.ok || !look.data?.title || !/^#[0-9a-f]{6}$/i.test(look.data.colour)) {
            return;
        }

        if (!document.body) {
            await new Promise(resolve => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
        }

        ui = build(look.data);
        // A remembered conversation goes on at once, so that an agent's answer given meanwhile is seen.
        state.conversation = remembered();
        if (state.conversation && await catchUp() && state.conversation) {
            connect();
            const unseen = [...state.shown].some(([sequence, view]) =>
                sequence > state.conversation.last && !view.classList.contains('user'));
            if (unseen && !state.open) {
                unread(true);
            }
        }
    }

    init().catch(() => {
        // Nothing the widget does is worth an error on the page that embeds it.
    });
})();
