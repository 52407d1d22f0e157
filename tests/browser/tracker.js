// Installed in every test page before JupyterLab loads (context.add_init_script).
//
// Records each request the page sends to a kernel on the shell channel (execute requests,
// widget updates and clicks) and marks it handled once the kernel's "idle" status for it has
// arrived AND JupyterLab has processed that message and drawn the result: a zero-delay
// timeout (after JupyterLab's own handling of the message) and then two animation frames
// (Lumino attaches and lays out widgets on the next frame). window.__mvs.settled(mark) is true
// when nothing the page asked of a kernel is still pending and at least two frames have
// passed since `mark = window.__mvs.mark()` (so a control's message, sent from its event
// handler, is counted). window.__mvs.handled("kernel_info_request") > 0 means a kernel is
// connected and answering.
//
// Frames are asked for only when something waits for them: a page that requests an animation
// frame every frame makes chromium lay out, paint and composite ~60 times a second for as long
// as it is open (an idle lesson page: 0.1 CPU-s per second that way, 0.01 without, measured).
// The tests poll these functions on a timer for the same reason (POLL_MS in jlab.py).
(() => {
  if (window.__mvs) return;
  const V1 = "v1.kernel.websocket.jupyter.org";
  const decoder = new TextDecoder("utf8");
  const pending = new Map(); // msg_id -> msg_type
  const done = {}; // msg_type -> how many were handled
  const framed = new Set(); // marks that two animation frames have passed since
  let marks = 0;
  const afterTwoFrames = (then) => requestAnimationFrame(() => requestAnimationFrame(then));
  afterTwoFrames(() => framed.add(0)); // mark 0: the page's first two frames

  function parse(data, protocol) {
    try {
      if (typeof data === "string") return JSON.parse(data);
      const buffer = data instanceof ArrayBuffer ? data : data.buffer;
      const view = new DataView(buffer);
      if (protocol === V1) {
        const count = Number(view.getBigUint64(0, true));
        const offsets = [];
        for (let i = 0; i < count; i++) offsets.push(Number(view.getBigUint64(8 * (i + 1), true)));
        const part = (i) => decoder.decode(buffer.slice(offsets[i], offsets[i + 1]));
        return {
          channel: part(0),
          header: JSON.parse(part(1)),
          parent_header: JSON.parse(part(2)),
          content: JSON.parse(part(4)),
        };
      }
      // legacy binary frames: uint32 offsets, the first part is the JSON message
      const first = view.getUint32(4);
      const end = view.getUint32(0) > 1 ? view.getUint32(8) : buffer.byteLength;
      return JSON.parse(decoder.decode(buffer.slice(first, end)));
    } catch (error) {
      return null;
    }
  }

  function handled(id) {
    setTimeout(() => afterTwoFrames(() => {
      const type = pending.get(id);
      if (type) done[type] = (done[type] || 0) + 1;
      pending.delete(id);
    }), 0);
  }

  function received(msg) {
    if (!msg || msg.channel !== "iopub" || msg.header.msg_type !== "status") return;
    if (msg.content.execution_state !== "idle" || !msg.parent_header) return;
    handled(msg.parent_header.msg_id);
  }

  const Native = window.WebSocket;
  class TrackedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.sent = new Set();
      // A kernel shut down (a notebook closed) never answers what was still on its way to
      // it, such as the widgets' comm_close: forget those, or nothing would settle again.
      this.addEventListener("close", () => this.sent.forEach((id) => pending.delete(id)));
      this.addEventListener("message", (event) => {
        if (event.data instanceof Blob) event.data.arrayBuffer().then((b) => received(parse(b, this.protocol)));
        else received(parse(event.data, this.protocol));
      });
    }

    send(data) {
      const msg = typeof data === "string" || data instanceof ArrayBuffer || ArrayBuffer.isView(data)
        ? parse(data, this.protocol) : null;
      if (msg && msg.channel === "shell") {
        pending.set(msg.header.msg_id, msg.header.msg_type);
        this.sent.add(msg.header.msg_id);
      }
      return super.send(data);
    }
  }
  window.WebSocket = TrackedWebSocket;

  // The visible result of a widget cell: HTML widgets, Output widgets and images, not the
  // controls themselves (a slider's own readout changing proves nothing about the lesson).
  function view(cell) {
    const parts = [];
    cell.querySelectorAll(".jp-Cell-outputArea :is(.widget-html-content, .widget-output, img)").forEach((n) => {
      parts.push(n.tagName === "IMG" ? "img:" + n.src.length + n.src.slice(-64) : n.innerText);
    });
    return parts.join("\u241e");
  }

  window.__mvs = {
    mark: () => {
      marks += 1;
      const mark = marks;
      afterTwoFrames(() => framed.add(mark));
      return mark;
    },
    pending: () => [...pending.values()],
    handled: (type) => done[type] || 0,
    settled: (mark) => pending.size === 0 && framed.has(mark || 0),
    view,
  };
})();
