// The chat page (templates/chat/page.html): sends a message, shows the reply token by token
// as the run streams it over the page's WebSocket, then the final text from the send's answer.
// The socket only carries this conversation's runs; the send's answer is the reply of record,
// so a socket that is down only costs the streaming.

const root = document.getElementById("chat");
const log = document.getElementById("chat-log");
const form = document.getElementById("chat-form");
const input = document.getElementById("chat-input");
const sendButton = document.getElementById("chat-send");
const status = document.getElementById("chat-status");
const { sendUrl, wsPath, sessionId, csrf, pageUrl } = root.dataset;

let socket = null;
let socketOpen = null; // a promise resolved once the socket is ready
let pending = null; // the assistant bubble of the turn under way

function bubble(role, text = "") {
  const item = document.createElement("li");
  item.className = `chat-msg ${role}`;
  item.textContent = text;
  log.append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function typing() {
  const item = bubble("assistant");
  item.classList.add("typing");
  item.setAttribute("aria-label", "Typing");
  const dots = document.createElement("span");
  dots.className = "chat-typing";
  dots.append(...[0, 1, 2].map(() => document.createElement("i")));
  item.append(dots);
  return item;
}

function showToken(text) {
  if (!pending) return;
  if (pending.classList.contains("typing")) {
    pending.classList.remove("typing");
    pending.removeAttribute("aria-label");
    pending.textContent = "";
    pending.classList.add("streaming");
  }
  pending.textContent += text;
  pending.scrollIntoView({ block: "end" });
}

function connect(delay = 500) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let ready;
  socketOpen = new Promise((resolve) => { ready = resolve; });
  socket = new WebSocket(`${scheme}://${location.host}${wsPath}`);
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "ready") { ready(true); status.textContent = ""; }
    else if (message.type === "token") showToken(message.text);
  });
  socket.addEventListener("close", (event) => {
    ready(false);
    if (event.code === 4403) return; // not allowed: the send still answers
    status.textContent = "Reconnecting… replies still arrive, without the live typing.";
    setTimeout(() => connect(Math.min(delay * 2, 10000)), delay);
  });
}

function waitForSocket(ms) {
  return Promise.race([socketOpen, new Promise((resolve) => setTimeout(() => resolve(false), ms))]);
}

function finish(item, data) {
  item.classList.remove("typing", "streaming");
  item.removeAttribute("aria-label");
  if (data.reply !== null && data.reply !== undefined) {
    item.textContent = data.reply;
  } else if (data.error) {
    item.textContent = data.error;
    item.classList.add("failed");
  } else if (data.status && data.status !== "succeeded") {
    item.textContent = "Still working on it: the reply will be here when you come back.";
    item.classList.add("later");
  } else {
    item.textContent = data.message || "No answer.";
    item.classList.add("failed");
  }
}

async function send(text) {
  bubble("user", text);
  pending = typing();
  const item = pending;
  input.value = "";
  sendButton.disabled = true;
  await waitForSocket(2000); // tokens streamed before the socket joins would be missed
  const body = new URLSearchParams({ message: text, session_id: sessionId });
  try {
    const response = await fetch(sendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body,
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({ message: `The server answered ${response.status}.` }));
    if (response.status === 429) {
      const wait = response.headers.get("Retry-After");
      data.message = `${data.message || "Too many messages."}${wait ? ` Try again in ${wait} s.` : ""}`;
    }
    finish(item, response.ok ? data : { reply: null, error: data.message || `Error ${response.status}` });
    if (response.ok && pageUrl && !location.search.includes("session=")) {
      // Reloading the page shows this conversation again.
      history.replaceState(null, "", `${pageUrl}?session=${encodeURIComponent(data.session_id)}`);
    }
  } catch (error) {
    finish(item, { reply: null, error: "The message could not be sent: check the connection." });
    input.value = text;
  } finally {
    pending = null;
    sendButton.disabled = false;
    input.focus();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value;
  if (!text.trim() || sendButton.disabled) return;
  send(text);
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

connect();
log.lastElementChild?.scrollIntoView({ block: "end" });
