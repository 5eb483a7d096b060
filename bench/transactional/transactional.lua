-- POST /campaigns/v2/{campaign}/transactional with a dataset of one record, a new address on every call, as
-- bench/transactional/run.sh set it up (the URL names the campaign). Counts the responses by status, so that run.sh
-- can tell accepted calls from refused ones, and keeps the first refusal's body to show why.
local function need(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set; run bench/transactional/run.sh rather than wrk directly")
  end
  return (value:gsub('[\\"]', '\\%0'))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. need("BENCH_TOKEN")
wrk.headers["PB-Customer-Id"] = need("COMMUNIQUE_CUSTOMER_ID")

-- The record carries every field the benchmark's template uses (nine) and the address.
local body = '{"communication":"' .. need("BENCH_COMMUNICATION") .. '","project":"' .. need("BENCH_PROJECT")
  .. '","email_json_path":"email","sender":"' .. need("BENCH_SENDER") .. '","sender_name":"Bench Shop",'
  .. '"dataset":[{"email":"%s","first_name":"First%d","last_name":"Last%d","city":"City%d","plan":"Plan %d",'
  .. '"balance":"%d.%02d","renewal":"2026-%02d-%02d","points":"%d","agent":"Agent %d","order_no":"ORD-%07d"}]}'
local run = need("BENCH_RUN")
-- With RATE set, run.sh passes the pause each connection makes after an answer before its next call.
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  statuses = {}
  refusal = nil
end

function request()
  sent = sent + 1
  local i = sent
  local address = string.format("%s-%d-%d@example.org", run, id, i)
  return wrk.format(nil, nil, nil, string.format(body, address, i, i, i % 500, i % 4, i % 5000, i % 100,
    1 + i % 12, 1 + i % 28, i % 10000, i % 50, i))
end

function delay()
  return pause
end

function response(status, headers, response_body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 and refusal == nil then
    refusal = status .. " " .. string.sub(response_body, 1, 400)
  end
end

-- One line per status ("status 200 12345") and the first refusal, for run.sh to read.
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
