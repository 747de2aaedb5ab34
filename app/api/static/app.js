// Tailor's web page: submit a resume and a JD as a job, follow its progress over server-sent events,
// show the result. Plain JS, no build. User text is only ever set with textContent, never as HTML.
"use strict";

const AGENTS = {
  jd_analyst: "Reading the job description",
  evidence_mapper: "Finding evidence in your resume",
  writer: "Rewriting lines that evidence the job",
  fact_checker: "Fact-checking every rewrite",
  assemble: "Assembling the tailored resume",
};

const $ = (id) => document.getElementById(id);
let currentJob = null;

function headers(extra) {
  const result = Object.assign({}, extra || {});
  const key = $("api-key");
  if (key && key.value) result["X-API-Key"] = key.value;
  return result;
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body.error) {
      const fields = (body.error.fields || []).map((f) => `${f.field}: ${f.reason}`);
      return fields.length ? fields.join("; ") : body.error.message;
    }
  } catch (_) { /* not JSON */ }
  return `request failed (HTTP ${response.status})`;
}

function renderProgress(state) {
  const list = $("agents");
  list.replaceChildren();
  for (const [name, label] of Object.entries(AGENTS)) {
    const entry = (state.progress || {})[name] || { status: "pending" };
    const item = document.createElement("li");
    item.className = `agent ${entry.status}`;
    item.dataset.agent = name;
    const ms = entry.ms !== undefined ? ` (${Math.round(entry.ms)} ms)` : "";
    item.textContent = `${label}: ${entry.status}${ms}`;
    list.appendChild(item);
  }
  $("job-status").textContent = `Job ${state.status}`;
}

// Server-sent events through fetch (EventSource cannot send the API key header).
async function followEvents(jobId) {
  const response = await fetch(`/v1/jobs/${jobId}/events`, { headers: headers() });
  if (!response.ok) throw new Error(await errorMessage(response));
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      if (!data) continue;
      const payload = JSON.parse(data);
      if (event === "progress") renderProgress(payload);
      if (event === "end") return payload.status;
    }
  }
}

function renderLines(container, lines) {
  container.replaceChildren();
  for (const line of lines) {
    const div = document.createElement("div");
    div.className = line.changed ? "line changed" : "line";
    div.textContent = line.text || "\u00a0";
    container.appendChild(div);
  }
}

function renderResult(job) {
  const result = job.result;
  $("result-version").textContent = `${job.pipeline.label} (${job.pipeline.hash.slice(0, 12)})`;
  renderLines($("original"), result.comparison.original);
  renderLines($("tailored"), result.comparison.tailored);
  const list = $("suggestions");
  list.replaceChildren();
  for (const s of result.suggestions) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = s.requirement;
    const mark = document.createElement("span");
    mark.className = s.status === "needs evidence" ? "mark needs-evidence" : "mark skills-only";
    mark.textContent = s.status;
    item.append(name, " ", mark, ` (${s.importance.replace(/_/g, "-")}): ${s.note}`);
    list.appendChild(item);
  }
  if (!result.suggestions.length) list.textContent = "None: your resume evidences everything the job asks for.";
  $("result").hidden = false;
}

async function submitForm(event) {
  event.preventDefault();
  showError("");
  $("result").hidden = true;
  const form = new FormData();
  for (const name of ["resume", "jd"]) {
    const file = $(`${name}-file`).files[0];
    if (file) form.append(`${name}_file`, file, file.name);
    else form.append(name, $(name).value);
  }
  $("submit").disabled = true;
  try {
    const response = await fetch("/v1/jobs", { method: "POST", body: form, headers: headers() });
    if (response.status !== 202) throw new Error(await errorMessage(response));
    const accepted = await response.json();
    currentJob = accepted.job_id;
    $("progress").hidden = false;
    renderProgress({ status: accepted.status, progress: {} });
    const status = await followEvents(currentJob);
    const jobResponse = await fetch(`/v1/jobs/${currentJob}`, { headers: headers() });
    if (!jobResponse.ok) throw new Error(await errorMessage(jobResponse));
    const job = await jobResponse.json();
    renderProgress(job);
    if (status === "succeeded" && job.result) renderResult(job);
    else showError(`The job ${job.status}: ${job.error || "no result"}`);
  } catch (error) {
    showError(error.message);
  } finally {
    $("submit").disabled = false;
  }
}

async function download(event) {
  const format = event.target.dataset.format;
  if (!format || !currentJob) return;
  const response = await fetch(`/v1/jobs/${currentJob}/download/${format}`, { headers: headers() });
  if (!response.ok) return showError(await errorMessage(response));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `tailored-resume.${format}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

async function sendFeedback(event) {
  const rating = event.target.dataset.rating;
  if (!rating || !currentJob) return;
  const response = await fetch("/v1/feedback", {
    method: "POST",
    headers: headers({ "Content-Type": "application/json" }),
    body: JSON.stringify({ job_id: currentJob, rating, reason: $("feedback-reason").value }),
  });
  $("feedback-status").textContent = response.ok ? "Thank you." : await errorMessage(response);
}

document.addEventListener("DOMContentLoaded", () => {
  $("tailor-form").addEventListener("submit", submitForm);
  document.querySelector(".downloads").addEventListener("click", download);
  $("feedback-form").addEventListener("click", sendFeedback);
});
