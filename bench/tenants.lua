-- tenants.lua — wrk script for bench/tenants.sh: every request goes to a
-- domain drawn at random among t1..tN (HTTP Basic per domain, one token
-- shared by all: the databases are copies of one template) and is, in
-- turn, GET /v2/users/me, GET one day of the series, POST one point (at a
-- timestamp of its own, so every write is new). done() prints the answers
-- by status as "statuses: 200=N …".
--
--   TENANTS_N=1000 TENANTS_TOKEN=secret-token.… TENANTS_SERIES=<uuid> \
--     wrk -t2 -c16 -d20s --latency -s bench/tenants.lua http://127.0.0.1:PORT

local n = tonumber(os.getenv("TENANTS_N") or error("TENANTS_N is not set"))
local token = os.getenv("TENANTS_TOKEN") or error("TENANTS_TOKEN is not set")
local series = os.getenv("TENANTS_SERIES") or error("TENANTS_SERIES is not set")
local data = "/v2/timeseries/" .. series .. "/data"

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  return ((s:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

local auth = {}
for i = 1, n do auth[i] = "Basic " .. base64("t" .. i .. ":" .. token) end

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local k, ts
function init(args)
  k = 0
  math.randomseed(1000 + (id or 0))
  -- each thread writes its own seconds (2025 on, a thread ~32 years apart)
  -- and each run its own range: a run writes far fewer than 10000 points a second
  ts = 1735689600 + (id or 0) * 1000000000 + (os.time() % 100000) * 10000
end

function request()
  k = k + 1
  local h = { ["Authorization"] = auth[math.random(n)] }
  local kind = k % 3
  if kind == 0 then
    return wrk.format("GET", "/v2/users/me", h)
  elseif kind == 1 then
    return wrk.format("GET", data .. "?start=2024-01-01T00:00:00Z&end=2024-01-02T00:00:00Z", h)
  end
  ts = ts + 1
  h["Content-Type"] = "application/json"
  return wrk.format("POST", data, h,
    string.format('[{"v":%d,"ts":"%s"}]', k, os.date("!%Y-%m-%dT%H:%M:%SZ", ts)))
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, c in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + c end
  end
  local parts = {}
  for code, c in pairs(total) do table.insert(parts, code .. "=" .. c) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
