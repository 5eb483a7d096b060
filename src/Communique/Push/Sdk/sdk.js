// Communique's Web Push SDK: the one script a site needs, from its tag
// <script src="{server}/public/push/sdk.js" data-site-key="KEY" defer></script>, beside its copy of the service
// worker (sw.js) at /communique-sw.js. It does nothing on its own: the site calls Communique.push.subscribe() when
// the visitor asks for notifications (a button), because browsers refuse, or quietly ignore, a permission prompt
// that no gesture of the visitor's led to. It calls only the server it came from, and every promise it returns
// settles: a failure rejects with an Error whose `code` says which step failed.
(() => {
    'use strict';

    const script = document.currentScript;
    const siteKey = script?.dataset.siteKey;
    if (!siteKey || !script.src) {
        return;
    }

    // The folder the script came from, /public/push/, which keeps a path prefix a proxy may add.
    const base = new URL('.', script.src).href;
    const defaultWorker = '/communique-sw.js';
    // A browser whose push service cannot be reached (offline, blocked, or a build without one) may leave
    // pushManager.subscribe pending for minutes; a site's button should hear of it sooner.
    const defaultTimeout = 20000;

    function failure(code, message, cause) {
        const error = new Error(cause?.message ? `${message}: ${cause.message}` : message);
        error.name = 'CommuniquePushError';
        error.code = code;
        if (cause) {
            error.cause = cause;
        }
        return error;
    }

    // Insecure origins (http:// other than localhost) have no service workers or push, whatever the browser.
    function isSupported() {
        return window.isSecureContext === true && 'serviceWorker' in navigator && 'PushManager' in window
            && 'Notification' in window && 'showNotification' in ServiceWorkerRegistration.prototype;
    }

    // 'default' (not asked yet), 'granted', 'denied', or 'unsupported'.
    function permission() {
        return isSupported() ? Notification.permission : 'unsupported';
    }

    async function call(method, path, body) {
        let response;
        try {
            response = await fetch(base + path, {
                method,
                headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
                body: body === undefined ? undefined : JSON.stringify(body),
                credentials: 'omit',
            });
        } catch (error) {
            throw failure('network', `Communique could not be reached (${method} ${path})`, error);
        }
        const data = (response.headers.get('Content-Type') || '').includes('json')
            ? await response.json().catch(() => null)
            : null;
        if (!response.ok) {
            const reason = data?.detail || data?.title || `HTTP ${response.status}`;
            const error = failure('server', `Communique refused ${method} ${path}: ${reason}`);
            error.status = response.status;
            throw error;
        }
        return data;
    }

    function within(promise, milliseconds, error) {
        let timer;
        const late = new Promise((_, reject) => {
            timer = setTimeout(() => reject(error), milliseconds);
        });
        return Promise.race([promise, late]).finally(() => clearTimeout(timer));
    }

    function keyBytes(base64url) {
        const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
        const binary = atob(base64 + '='.repeat((4 - base64.length % 4) % 4));
        return Uint8Array.from(binary, c => c.charCodeAt(0));
    }

    function sameKey(a, b) {
        if (!a || a.byteLength !== b.byteLength) {
            return false;
        }
        const left = new Uint8Array(a);
        return b.every((byte, i) => byte === left[i]);
    }

    // pushManager.subscribe needs an active worker; a first registration is still installing when register()
    // resolves. A worker that fails to install (a script error, a missing file) ends up redundant.
    function activated(registration) {
        if (registration.active) {
            return Promise.resolve(registration);
        }
        const worker = registration.installing || registration.waiting;
        return new Promise((resolve, reject) => {
            const changed = () => {
                if (worker.state === 'activated') {
                    worker.removeEventListener('statechange', changed);
                    resolve(registration);
                } else if (worker.state === 'redundant') {
                    worker.removeEventListener('statechange', changed);
                    reject(failure('service-worker', 'The service worker failed to install'));
                }
            };
            worker.addEventListener('statechange', changed);
            changed();
        });
    }

    async function register(serviceWorker) {
        try {
            // The worker's file is checked for a new version on every registration and update, not from a cache.
            const registration = await navigator.serviceWorker.register(serviceWorker,
                { scope: '/', updateViaCache: 'none' });
            return await activated(registration);
        } catch (error) {
            throw error.code ? error : failure('service-worker', `${serviceWorker} could not be registered`, error);
        }
    }

    // Asks for permission (unless given), registers the worker, subscribes with the site's VAPID key and records the
    // subscription for userId with the attributes; resolves with the server's answer ({ id }). Calling it again
    // with the same browser updates the same subscription. timeout (milliseconds) bounds the push service's answer;
    // a subscription it makes after that is found and recorded by the next call. userSignature: on a site that
    // verifies its users, the HMAC-SHA256 of userId under the site's user secret (hex), made by the site's server.
    async function subscribe({
        userId, userSignature, attributes, serviceWorker = defaultWorker, timeout = defaultTimeout,
    } = {}) {
        if (!isSupported()) {
            throw failure('unsupported', 'This browser cannot receive push notifications on this page');
        }

        // The prompt is asked for before anything is awaited, while the visitor's click still counts as the reason.
        const asked = Notification.permission === 'granted'
            ? Promise.resolve('granted')
            : Notification.requestPermission();
        const registering = register(serviceWorker);
        const site = call('GET', `sites/${encodeURIComponent(siteKey)}`);
        // The others' failures are reported by whichever step is awaited first; none is left unhandled.
        registering.catch(() => { });
        site.catch(() => { });

        const answer = await asked;
        if (answer !== 'granted') {
            throw failure(answer === 'denied' ? 'denied' : 'dismissed',
                `Notifications were not allowed (${answer})`);
        }
        const registration = await registering;
        const { vapidPublicKey } = (await site) ?? {};
        if (typeof vapidPublicKey !== 'string' || vapidPublicKey === '') {
            throw failure('server', 'Communique gave no VAPID key for this site');
        }
        const applicationServerKey = keyBytes(vapidPublicKey);

        let subscription;
        try {
            subscription = await registration.pushManager.getSubscription();
            // A subscription made for another key (the site's key was replaced) cannot be reused or resubscribed.
            if (subscription && !sameKey(subscription.options?.applicationServerKey, applicationServerKey)) {
                await subscription.unsubscribe();
                subscription = null;
            }
            subscription ??= await within(
                registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey }), timeout,
                new Error(`no answer in ${timeout} ms`));
        } catch (error) {
            throw failure('push-service', 'The browser\'s push service refused the subscription', error);
        }

        const { endpoint, keys } = subscription.toJSON();
        return call('POST', 'subscriptions', {
            siteKey, endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, userId, userSignature, attributes,
        });
    }

    // Ends this browser's subscription, here and on the server; resolves with whether there was one.
    async function unsubscribe() {
        if (!isSupported()) {
            return false;
        }
        const registration = await navigator.serviceWorker.getRegistration('/');
        const subscription = await registration?.pushManager.getSubscription();
        if (!subscription) {
            return false;
        }
        const { endpoint } = subscription;
        try {
            await subscription.unsubscribe();
        } catch (error) {
            throw failure('push-service', 'The browser\'s push service did not end the subscription', error);
        }
        await call('POST', 'unsubscribe', { siteKey, endpoint });
        return true;
    }

    window.Communique = window.Communique || {};
    window.Communique.push = Object.freeze({ isSupported, permission, subscribe, unsubscribe });
})();
