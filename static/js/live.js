// A WebSocket to /ws/... that reconnects with backoff; the server re-sends a snapshot each time.
export function connectLive(path, onMessage, onState = () => {}) {
  let delay = 500;
  let socket;
  const open = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.addEventListener("open", () => { delay = 500; onState("live"); });
    socket.addEventListener("message", (event) => onMessage(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (event.code === 4403) { onState("forbidden"); return; }
      onState("reconnecting");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    });
  };
  open();
  return () => socket && socket.close();
}
