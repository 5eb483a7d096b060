-- POST /chat/conversations/{id}/messages through the REST channel, on the conversations bench/chat/run.sh started
-- (one id a line in BENCH_IDS). Each wrk thread takes its own share of them and goes round it, so that no two turns
-- of one conversation are in flight at once (the runtime would answer the second 409). Counts responses by status.
local function need(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set; run bench/chat/run.sh rather than wrk directly")
  end
  return value
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. need("BENCH_TOKEN")
wrk.headers["PB-Customer-Id"] = need("COMMUNIQUE_CUSTOMER_ID")

local threads = {}
local nthreads = tonumber(need("BENCH_THREADS"))
-- What users say: amounts for the non-NLU flow, or sentences for the NLU-routed one (one a line in BENCH_TEXTS).
local texts = {}
for line in io.lines(need("BENCH_TEXTS")) do
  table.insert(texts, (line:gsub('[\\"]', '\\%0')))
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  local i = 0
  for line in io.lines(need("BENCH_IDS")) do
    if i % nthreads == id then
      table.insert(ids, line)
    end
    i = i + 1
  end
  sent = 0
  statuses = {}
  refusal = nil
end

function request()
  sent = sent + 1
  local conversation = ids[(sent - 1) % #ids + 1]
  local text = texts[(sent + id) % #texts + 1]
  return wrk.format(nil, "/chat/conversations/" .. conversation .. "/messages", nil, '{"text":"' .. text .. '"}')
end

function response(status, headers, response_body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 and refusal == nil then
    refusal = status .. " " .. string.sub(response_body, 1, 400)
  end
end

function done(summary, latency, requests)
  local totals = {}
  local first = nil
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    first = first or thread:get("refusal")
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
  if first ~= nil then
    io.write("first refusal: " .. first:gsub("\n", " ") .. "\n")
  end
end
