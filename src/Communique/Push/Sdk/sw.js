// Communique's service worker for Web Push. A site serves this file from its root as /communique-sw.js (the SDK
// registers it with scope '/'); a site with a worker of its own imports it there instead, with
// importScripts('/communique-sw.js'). It shows each notification the payload describes, tells the server when one
// was shown and when it was clicked (with the message id and signature the payload carries), and on a click opens
// the action's address or the notification's. Pushes that are not Communique's are left to the site's own handlers,
// and a report that fails never stops a notification from showing.
'use strict';

(() => {
    const safeUrl = value => {
        try {
            const url = new URL(value, self.location.origin);
            return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
        } catch {
            return null;
        }
    };
    const text = value => (typeof value === 'string' && value !== '' ? value : undefined);

    function read(data) {
        if (!data) {
            return null;
        }
        let message;
        try {
            message = data.json();
        } catch {
            return null;
        }
        return message && typeof message === 'object' && typeof message.title === 'string'
            && typeof message.m === 'string' ? message : null;
    }

    function report(message, type, action) {
        const events = safeUrl(message.events);
        if (!events) {
            return Promise.resolve();
        }
        // keepalive: the browser may stop the worker as soon as the event's promise settles.
        return fetch(events, {
            method: 'POST',
            keepalive: true,
            credentials: 'omit',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ m: message.m, s: message.s ?? null, type, action }),
        }).catch(() => { });
    }

    async function show(message) {
        const actions = (Array.isArray(message.actions) ? message.actions : [])
            .filter(a => a && text(a.action) && text(a.title));
        await self.registration.showNotification(message.title, {
            body: text(message.body),
            icon: text(message.icon),
            image: text(message.image),
            badge: text(message.badge),
            tag: text(message.tag),
            actions: actions.map(a => ({ action: a.action, title: a.title })),
            // What a click needs later, when the payload itself is gone.
            data: {
                communique: true,
                url: safeUrl(message.url),
                actions: Object.fromEntries(actions.map(a => [a.action, safeUrl(a.url)])),
                m: message.m,
                s: message.s ?? null,
                events: message.events ?? null,
                data: message.data && typeof message.data === 'object' ? message.data : {},
            },
        });
        await report(message, 'displayed', null);
    }

    // A window already showing the address is brought forward rather than opened a second time.
    async function open(url) {
        const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
        const existing = windows.find(client => client.url === url);
        if (existing && 'focus' in existing) {
            return existing.focus();
        }
        return self.clients.openWindow(url);
    }

    self.addEventListener('push', event => {
        const message = read(event.data);
        if (message) {
            event.waitUntil(show(message));
        }
    });

    self.addEventListener('notificationclick', event => {
        const data = event.notification.data;
        if (!data || data.communique !== true) {
            return;
        }
        event.notification.close();
        const action = event.action || null;
        const url = (action && data.actions?.[action]) || data.url;
        // Both start at once: a window may only be opened while the click is recent.
        event.waitUntil(Promise.all([report(data, 'clicked', action), url ? open(url).catch(() => { }) : null]));
    });
})();
