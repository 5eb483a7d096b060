// Communique's video player: draws a record's plan (the manifest in the page; its shape is VideoPlan.cs) on a canvas
// over the shared background video, in step with the video's clock, by the same rules as the renderer that draws it
// into a file (positions, baselines, motion, colours), so that a frame of either looks the same; and posts what the
// viewer does with the page's session token.
(() => {
  'use strict';
  const manifest = JSON.parse(document.getElementById('manifest').textContent);
  const plan = manifest.plan;
  const base = `/v/${manifest.key}/${manifest.uuid}`;
  const video = document.getElementById('video');
  const canvas = document.getElementById('layers');
  const stage = document.getElementById('stage');
  const status = document.getElementById('status');
  const ctx = canvas.getContext('2d');
  const images = new Map();
  let started = false;

  stage.style.aspectRatio = `${plan.width} / ${plan.height}`;
  stage.style.maxWidth = `calc(100vh * ${plan.width} / ${plan.height})`;

  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  // Every font the plan names, loaded before the first draw so that text never shows in a fallback face.
  const fontsReady = (() => {
    const keys = new Set();
    for (const l of plan.layers || []) if (l.type === 'text' && l.font) keys.add(l.font);
    for (const c of plan.ctas || []) keys.add(c.font);
    return Promise.all([...keys].map(async key => {
      const face = new FontFace(key, `url(/player/fonts/${encodeURIComponent(key)}.ttf)`);
      document.fonts.add(face);
      try { await face.load(); } catch { /* drawn in the default face rather than not at all */ }
    }));
  })();

  // Images: the asset library's through /v/{key}/assets/{id}; a record's URL through the server, never directly.
  const imagesReady = Promise.all((plan.layers || []).map((l, i) => {
    if (l.type !== 'image') return null;
    const src = l.image ? `/v/${manifest.key}/assets/${l.image}` : `${base}/images/${i}`;
    const img = new Image();
    img.decoding = 'async';
    images.set(i, img);
    return new Promise(resolve => { img.onload = img.onerror = resolve; img.src = src; });
  }));

  function motion(layer, t) {
    let alpha = layer.opacity ?? 1;
    let dx = 0;
    let dy = 0;
    const dw = 0.25 * plan.width;
    const dh = 0.25 * plan.height;
    if (layer.in) {
      const p = layer.in.duration > 0 ? clamp((t - layer.start) / layer.in.duration, 0, 1) : 1;
      alpha *= p;
      switch (layer.in.effect) {
        case 'slide-left': dx += (1 - p) * dw; break;
        case 'slide-right': dx -= (1 - p) * dw; break;
        case 'slide-up': dy += (1 - p) * dh; break;
        case 'slide-down': dy -= (1 - p) * dh; break;
      }
    }
    if (layer.out) {
      const q = layer.out.duration > 0 ? clamp((layer.end - t) / layer.out.duration, 0, 1) : 1;
      alpha *= q;
      switch (layer.out.effect) {
        case 'slide-left': dx -= (1 - q) * dw; break;
        case 'slide-right': dx += (1 - q) * dw; break;
        case 'slide-up': dy -= (1 - q) * dh; break;
        case 'slide-down': dy += (1 - q) * dh; break;
      }
    }
    return { alpha, dx, dy };
  }

  function drawLines(lines, font, size, colour) {
    ctx.font = `${size}px "${font}"`;
    ctx.fillStyle = colour;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    // Glyphs at their plain advances, as the server measured the lines and the renderer draws them: no kerning or
    // ligatures, which would make a line narrower here than in the rendered file.
    ctx.fontKerning = 'none';
    ctx.textRendering = 'optimizeSpeed';
    for (const line of lines || []) ctx.fillText(line.text, line.x, line.y);
  }

  function drawImage(layer, img) {
    if (!img || !img.complete || !img.naturalWidth) return;
    const { x, y, width: w, height: h } = layer;
    const scale = layer.fit === 'cover'
      ? Math.max(w / img.naturalWidth, h / img.naturalHeight)
      : Math.min(w / img.naturalWidth, h / img.naturalHeight);
    const iw = img.naturalWidth * scale;
    const ih = img.naturalHeight * scale;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
    ctx.drawImage(img, x + (w - iw) / 2, y + (h - ih) / 2, iw, ih);
    ctx.restore();
  }

  function drawShape(layer) {
    ctx.fillStyle = layer.colour;
    ctx.beginPath();
    if (layer.shape === 'ellipse') {
      ctx.ellipse(layer.x + layer.width / 2, layer.y + layer.height / 2, layer.width / 2, layer.height / 2, 0, 0,
        2 * Math.PI);
    } else {
      ctx.roundRect(layer.x, layer.y, layer.width, layer.height, layer.radius || 0);
    }
    ctx.fill();
  }

  function draw(t) {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!started) return;
    (plan.layers || []).forEach((layer, i) => {
      if (!(layer.start <= t && t < layer.end)) return;
      const { alpha, dx, dy } = motion(layer, t);
      if (alpha <= 0) return;
      ctx.save();
      ctx.globalAlpha = alpha;
      ctx.translate(dx, dy);
      if (layer.type === 'text') drawLines(layer.lines, layer.font, layer.size, layer.colour);
      else if (layer.type === 'image') drawImage(layer, images.get(i));
      else if (layer.type === 'shape') drawShape(layer);
      ctx.restore();
    });
    (plan.ctas || []).forEach((cta, i) => {
      const shown = t >= cta.start;
      links[i].hidden = !shown;
      if (!shown) return;
      ctx.fillStyle = cta.colour;
      ctx.beginPath();
      ctx.roundRect(cta.x, cta.y, cta.width, cta.height, Math.min(cta.height / 2, 12));
      ctx.fill();
      drawLines(cta.lines, cta.font, cta.size, cta.textColour);
    });
  }

  // A transparent, focusable link exactly over each button the canvas draws.
  const links = (plan.ctas || []).map((cta, i) => {
    const a = document.createElement('a');
    a.href = cta.url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = cta.label;
    a.hidden = true;
    a.style.left = `${100 * cta.x / plan.width}%`;
    a.style.top = `${100 * cta.y / plan.height}%`;
    a.style.width = `${100 * cta.width / plan.width}%`;
    a.style.height = `${100 * cta.height / plan.height}%`;
    a.addEventListener('click', () => { send('cta', video.currentTime, i); flush(); });
    document.getElementById('ctas').appendChild(a);
    return a;
  });

  // Events go in small batches, and at once when the page is hidden (a beacon outlives the page).
  let queue = [];
  let timer = 0;
  let sent = 0;
  function send(kind, position, button) {
    if (sent >= 250) return;
    sent++;
    queue.push(button === undefined ? { kind, position } : { kind, position, button });
    if (queue.length >= manifest.maxEventsPerPost) flush();
    else if (!timer) timer = setTimeout(flush, 1000);
  }
  function flush(beacon) {
    clearTimeout(timer);
    timer = 0;
    while (queue.length) {
      const body = JSON.stringify({ token: manifest.token, events: queue.splice(0, manifest.maxEventsPerPost) });
      const url = `${base}/events`;
      if (beacon && navigator.sendBeacon) {
        navigator.sendBeacon(url, new Blob([body], { type: 'application/json' }));
      } else {
        fetch(url, { method: 'POST', body, keepalive: true, headers: { 'Content-Type': 'application/json' } })
          .catch(() => {});
      }
    }
  }
  addEventListener('pagehide', () => flush(true));
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(true); });

  const reached = new Set();
  function progress(t) {
    const duration = plan.duration;
    for (const p of [25, 50, 75]) {
      if (!reached.has(p) && t >= duration * p / 100) {
        reached.add(p);
        send(`progress-${p}`, t);
      }
    }
  }

  // Drawn in step with the frames the video presents while it plays; after a seek or a pause, at its position.
  const ready = Promise.all([fontsReady, imagesReady]);
  function onFrame(now, meta) {
    draw(meta.mediaTime);
    video.requestVideoFrameCallback(onFrame);
  }
  function onAnimation() {
    draw(video.currentTime);
    if (!video.paused) requestAnimationFrame(onAnimation);
  }
  ready.then(() => {
    canvas.dataset.ready = 'true';
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(onFrame);
    draw(video.currentTime);
  });
  const redraw = () => ready.then(() => draw(video.currentTime));
  video.addEventListener('play', () => {
    started = true;
    send('play', video.currentTime);
    if (!('requestVideoFrameCallback' in video)) requestAnimationFrame(onAnimation);
    redraw();
  });
  video.addEventListener('pause', () => { if (!video.ended) send('pause', video.currentTime); redraw(); });
  video.addEventListener('seeked', () => { started = true; send('seek', video.currentTime); redraw(); });
  video.addEventListener('timeupdate', () => { progress(video.currentTime); redraw(); });
  video.addEventListener('ended', () => { send('complete', plan.duration); flush(); });

  // The shared background may still be rendering: say so, and try again when the server says to.
  video.addEventListener('error', async function prepare() {
    status.textContent = 'Preparing your video…';
    for (;;) {
      const answer = await fetch(video.currentSrc || `/v/${manifest.key}/background.mp4`, { method: 'HEAD' })
        .catch(() => null);
      if (answer && answer.ok) break;
      const wait = Number(answer?.headers.get('Retry-After')) || 3;
      await new Promise(resolve => setTimeout(resolve, clamp(wait, 1, 30) * 1000));
    }
    status.textContent = '';
    video.load();
  });

  send('impression', 0);
})();
