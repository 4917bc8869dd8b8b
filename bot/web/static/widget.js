/*
 * Chat widget for the Quảng Trị citizen-service assistant.
 * Embed: <script src="https://HOST/widget/widget.js" data-rasa-url="https://RASA_HOST" async></script>
 * No framework, no build step. Every piece of message text is inserted with textContent or
 * createTextNode (no HTML parsing APIs at all), so HTML from the bot or the user is shown as text.
 */
(function () {
  "use strict";
  if (window.__qtwLoaded) {
    return;
  }
  window.__qtwLoaded = true;

  var script = document.currentScript || document.querySelector("script[src*='widget.js'][data-rasa-url]");
  var rasaUrl = ((script && script.getAttribute("data-rasa-url")) || "http://localhost:5005").replace(/\/+$/, "");
  var titleText = (script && script.getAttribute("data-title")) || "Trợ lý thủ tục hành chính";
  var position = script && script.getAttribute("data-position") === "left" ? "left" : "right";
  var cssUrl = script && script.src ? new URL("widget.css", script.src).href : "widget.css";
  var noticesUrl = script && script.src ? new URL("api/notices", script.src).href : "api/notices";
  var RATING_PREFIX = "/rate_answer{";
  var STORAGE_KEY = "qtw-sender-id";
  var TIMEOUT_MS = 20000;
  var MAX_LENGTH = 1000;
  var LINK_RE = /https:\/\/[^\s<>"'`]+/g;

  var TEXT = {
    open: "Mở trợ lý hỏi đáp thủ tục hành chính",
    close: "Đóng cửa sổ trò chuyện",
    subtitle: "Hỏi đáp về thủ tục hành chính, phản ánh, kiến nghị",
    log: "Nội dung trò chuyện",
    inputLabel: "Câu hỏi của anh/chị",
    placeholder: "Nhập câu hỏi…",
    send: "Gửi",
    typing: "Trợ lý đang trả lời…",
    greeting: "Xin chào! Tôi là trợ lý ảo hướng dẫn thủ tục hành chính của tỉnh Quảng Trị. " +
      "Anh/chị cần hỏi về thủ tục nào? Ví dụ: \"Đăng ký khai sinh cần giấy tờ gì?\"",
    choices: "Lựa chọn gợi ý",
    you: "Anh/chị",
    bot: "Trợ lý",
    busy: "Xin lỗi, hệ thống đang bận hoặc mất kết nối. Anh/chị vui lòng thử lại sau ít phút, " +
      "hoặc tra cứu tại https://dichvucong.gov.vn",
    empty: "Xin lỗi, tôi chưa có câu trả lời. Anh/chị vui lòng hỏi lại theo cách khác.",
    note: "Thông tin mang tính hướng dẫn; kết quả chính thức do cơ quan có thẩm quyền trả lời.",
    image: "Hình ảnh kèm theo",
    rate: "Đánh giá câu trả lời",
    rateUp: "Câu trả lời đúng, hữu ích",
    rateDown: "Câu trả lời sai hoặc chưa đúng",
    notice: "Có kết quả phản ánh, kiến nghị của anh/chị"
  };

  function randomId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* The id this browser already used, or null on a first visit (nothing is created just to look). */
  function existingSenderId() {
    try {
      var stored = window.localStorage.getItem(STORAGE_KEY);
      return stored && /^web:[0-9a-f]{8,64}$/.test(stored) ? stored : null;
    } catch (e) {
      return null;
    }
  }

  var memorySender = null;
  function senderId() {
    // One conversation per browser; private modes without storage fall back to the page's lifetime.
    try {
      var stored = window.localStorage.getItem(STORAGE_KEY);
      if (stored && /^web:[0-9a-f]{8,64}$/.test(stored)) {
        return stored;
      }
      stored = "web:" + randomId();
      window.localStorage.setItem(STORAGE_KEY, stored);
      return stored;
    } catch (e) {
      memorySender = memorySender || "web:" + randomId();
      return memorySender;
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function safeHttpsUrl(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /* Text with https:// links turned into anchors, built node by node. */
  function appendRichText(parent, text) {
    var last = 0;
    var match;
    LINK_RE.lastIndex = 0;
    while ((match = LINK_RE.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]]+$/, "");
      var href = safeHttpsUrl(raw);
      if (!href) {
        continue;
      }
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = document.createElement("a");
      a.href = href;
      a.textContent = raw;
      a.target = "_blank";
      a.rel = "noopener noreferrer nofollow";
      parent.appendChild(a);
      last = match.index + raw.length;
      LINK_RE.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /* ---- DOM ---- */
  var host = el("div");
  host.id = "qtw-host";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = cssUrl;
  root.appendChild(style);

  var container = el("div", "qtw qtw-" + position);
  var bubble = el("button", "qtw-bubble");
  bubble.type = "button";
  bubble.setAttribute("aria-label", TEXT.open);
  bubble.setAttribute("aria-expanded", "false");
  bubble.setAttribute("aria-controls", "qtw-panel");
  var bubbleIcon = el("span", "qtw-bubble-icon", "💬");
  bubbleIcon.setAttribute("aria-hidden", "true");
  bubble.appendChild(bubbleIcon);
  bubble.appendChild(el("span", "qtw-bubble-label", "Hỏi đáp"));

  var panel = el("div", "qtw-panel");
  panel.id = "qtw-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "qtw-title");

  var header = el("div", "qtw-header");
  var heading = el("div", "qtw-heading");
  var title = el("h2", "qtw-title", titleText);
  title.id = "qtw-title";
  heading.appendChild(title);
  heading.appendChild(el("p", "qtw-subtitle", TEXT.subtitle));
  var closeButton = el("button", "qtw-close", "×");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", TEXT.close);
  header.appendChild(heading);
  header.appendChild(closeButton);

  var log = el("div", "qtw-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", TEXT.log);
  log.tabIndex = 0;

  var typing = el("div", "qtw-typing", TEXT.typing);
  typing.setAttribute("role", "status");
  typing.hidden = true;

  var form = el("form", "qtw-form");
  form.setAttribute("novalidate", "");
  var label = el("label", "qtw-visually-hidden", TEXT.inputLabel);
  label.htmlFor = "qtw-input";
  var input = el("input", "qtw-input");
  input.id = "qtw-input";
  input.type = "text";
  input.maxLength = MAX_LENGTH;
  input.autocomplete = "off";
  input.placeholder = TEXT.placeholder;
  input.setAttribute("enterkeyhint", "send");
  var sendButton = el("button", "qtw-send", TEXT.send);
  sendButton.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendButton);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(form);
  panel.appendChild(el("p", "qtw-note", TEXT.note));
  container.appendChild(panel);
  container.appendChild(bubble);
  root.appendChild(container);

  /* ---- conversation ---- */
  var greeted = false;
  var pending = 0;

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  /* A new answer is shown from its first line: a long one must not open on its last line (phones). */
  function scrollToStart(node) {
    log.scrollTop = Math.max(0, log.scrollTop + node.getBoundingClientRect().top - log.getBoundingClientRect().top - 8);
  }

  function addMessage(who, text) {
    var row = el("div", "qtw-msg qtw-msg-" + who);
    row.appendChild(el("span", "qtw-visually-hidden", (who === "user" ? TEXT.you : TEXT.bot) + ": "));
    var body = el("div", "qtw-text");
    if (who === "bot") {
      appendRichText(body, text);
    } else {
      body.textContent = text;
    }
    row.appendChild(body);
    log.appendChild(row);
    scrollToEnd();
    return row;
  }

  function addImage(url) {
    var href = safeHttpsUrl(url);
    if (!href) {
      return;
    }
    var row = el("div", "qtw-msg qtw-msg-bot");
    var img = document.createElement("img");
    img.src = href;
    img.alt = TEXT.image;
    img.loading = "lazy";
    img.className = "qtw-image";
    row.appendChild(img);
    log.appendChild(row);
    scrollToEnd();
  }

  function isRating(b) {
    return b.payload.indexOf(RATING_PREFIX) === 0;
  }

  function addButtons(buttons) {
    var valid = buttons.filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    });
    var choices = valid.filter(function (b) { return !isRating(b); });
    var ratings = valid.filter(isRating);
    if (choices.length) {
      addButtonGroup(choices, "qtw-buttons", TEXT.choices);
    }
    if (ratings.length) {
      addButtonGroup(ratings, "qtw-buttons qtw-rating", TEXT.rate);
    }
  }

  /* One group of buttons; a click disables its own group only (rating leaves "xem thêm" usable). */
  function addButtonGroup(buttons, className, groupLabel) {
    var group = el("div", className);
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", groupLabel);
    buttons.forEach(function (b) {
      var button = el("button", "qtw-choice", b.title);
      button.type = "button";
      if (isRating(b)) {
        button.setAttribute("aria-label", b.title === "👍" ? TEXT.rateUp : b.title === "👎" ? TEXT.rateDown : b.title);
      }
      button.addEventListener("click", function () {
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) {
          other.disabled = true;
        });
        button.classList.add("qtw-chosen");
        addMessage("user", b.title);
        send(b.payload);
        input.focus();
      });
      group.appendChild(button);
    });
    log.appendChild(group);
  }

  function setTyping(on) {
    pending += on ? 1 : -1;
    typing.hidden = pending <= 0;
    log.setAttribute("aria-busy", pending > 0 ? "true" : "false");
  }

  function render(messages) {
    var first = null;
    if (!Array.isArray(messages) || messages.length === 0) {
      scrollToStart(addMessage("bot", TEXT.empty));
      return;
    }
    var before = log.lastChild;
    messages.forEach(function (m) {
      if (!m || typeof m !== "object") {
        return;
      }
      if (typeof m.text === "string" && m.text) {
        addMessage("bot", m.text);
      }
      if (typeof m.image === "string" && m.image) {
        addImage(m.image);
      }
      if (Array.isArray(m.buttons) && m.buttons.length) {
        addButtons(m.buttons);
      }
    });
    first = before ? before.nextSibling : log.firstChild;
    if (first) {
      scrollToStart(first);
    }
  }

  function send(message) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    setTyping(true);
    return fetch(rasaUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: senderId(), message: message }),
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(render)
      .catch(function () {
        scrollToStart(addMessage("bot", TEXT.busy));
      })
      .then(function () {
        if (timer) {
          clearTimeout(timer);
        }
        setTyping(false);
      });
  }

  function openPanel() {
    panel.hidden = false;
    container.classList.add("qtw-open");
    bubble.setAttribute("aria-expanded", "true");
    if (!greeted) {
      greeted = true;
      addMessage("bot", TEXT.greeting);
    }
    var badge = bubble.querySelector(".qtw-badge");
    if (badge) {
      badge.remove();
      bubble.setAttribute("aria-label", TEXT.open);
    }
    if (pendingStart) {
      scrollToStart(pendingStart);
      pendingStart = null;
    }
    input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    container.classList.remove("qtw-open");
    bubble.setAttribute("aria-expanded", "false");
    bubble.focus();
  }

  bubble.addEventListener("click", function () {
    if (panel.hidden) {
      openPanel();
    } else {
      closePanel();
    }
  });
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    input.value = "";
    addMessage("user", text.slice(0, MAX_LENGTH));
    send(text.slice(0, MAX_LENGTH));
  });

  /* A returning visitor: show petition results that came while they were away (same browser only). */
  function fetchNotices() {
    var sender = existingSenderId();
    if (!sender || !window.fetch) {
      return;
    }
    fetch(noticesUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender })
    })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (notices) {
        if (!Array.isArray(notices) || !notices.length) {
          return;
        }
        greeted = true;
        addMessage("bot", TEXT.greeting);
        var first = null;
        notices.forEach(function (n) {
          if (n && typeof n.text === "string" && n.text) {
            var row = addMessage("bot", n.text);
            row.classList.add("qtw-notice");
            first = first || row;
          }
        });
        var badge = el("span", "qtw-badge", String(notices.length));
        badge.setAttribute("aria-hidden", "true");
        bubble.appendChild(badge);
        bubble.setAttribute("aria-label", TEXT.open + ". " + TEXT.notice);
        pendingStart = first;
      })
      .catch(function () { /* the widget works without it */ });
  }

  var pendingStart = null;

  function mount() {
    document.body.appendChild(host);
    fetchNotices();
  }
  if (document.body) {
    mount();
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
})();
