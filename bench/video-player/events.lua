-- POST batches of BENCH_BATCH player events, each with the token of a session bench/video-player/run.sh opened; a
-- session is used for at most BENCH_PER_SESSION events (the server's share of one session), then the next one.
local sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  local path, token = line:match("^(%S+) (%S+)$")
  sessions[#sessions + 1] = { path = path .. "/events", token = token }
end
local batch = tonumber(os.getenv("BENCH_BATCH"))
local posts_per_session = math.floor(tonumber(os.getenv("BENCH_PER_SESSION")) / batch)
local stride = tonumber(os.getenv("BENCH_THREADS"))
local kinds = { "impression", "play", "progress-25", "pause", "seek", "progress-50", "progress-75", "complete" }
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  statuses = {}
  local events = {}
  for i = 1, batch do
    events[i] = string.format('{"kind":"%s","position":%.1f}', kinds[(i - 1) % #kinds + 1], (i % 15) * 1.0)
  end
  body_tail = '","events":[' .. table.concat(events, ",") .. ']}'
end

function request()
  local slot = math.floor(n / posts_per_session) * stride + id
  n = n + 1
  local s = sessions[slot % #sessions + 1]
  return wrk.format("POST", s.path, { ["Content-Type"] = "application/json" }, '{"token":"' .. s.token .. body_tail)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + count end
  end
  for status, count in pairs(totals) do io.write(string.format("status %d %d\n", status, count)) end
  io.write(string.format("p50 %.3f\np99 %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
