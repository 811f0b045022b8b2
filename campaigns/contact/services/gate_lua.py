"""The Redis gate's Lua scripts (see ``gate.py``).

A member's set holds, scored ``category × 2^32 + unix seconds`` so that one ``ZCOUNT`` counts
one category over a time window:

- ``d|<channel letter>|<counts>|<campaign>|<occurrence>``: a delivery, in its channel's
  category (1 SMS, 2 email, 3 portal) when it counts toward caps, else category 0;
- ``f|<channel>|1|<campaign>|<occurrence>``: the same email or SMS again in category 4
  (fatigue: every contact across channels);
- ``v|1|<delivery id>``: a portal offer the member saw, in category 4;
- ``o|<campaign>|<occurrence>``: the campaign's occurrence, once, in category 16 + campaign id;
- ``~`` (score -1): the set was loaded from PostgreSQL.

Counting is one ``ZCOUNT`` per check; an operation that passes adds its entries with one
``ZADD``.

Whole seconds (floored): the gate may count a contact a second less than PostgreSQL does,
never more, so it can let through what PostgreSQL refuses but never refuses what PostgreSQL
would let through.
"""

CATEGORY = 2**32
SMS, EMAIL, PORTAL, FATIGUE, OCCURRENCES = 1, 2, 3, 4, 16
CHANNEL_CATEGORY = {"s": SMS, "e": EMAIL, "p": PORTAL}

_COMMON = """
local B = 4294967296
local D, V, E, S, P, ONE = string.byte('d'), string.byte('v'), string.byte('e'), string.byte('s'),
  string.byte('p'), string.byte('1')
local function num(x) return string.format('%.0f', x) end
local function category(ch)
  if ch == S then return 1 elseif ch == E then return 2 elseif ch == P then return 3 end
  return 0
end
"""

# One call checks and reserves for many members, each operation atomic (the whole call is).
# KEYS: a member's set per operation. ARGV: (unused), the number of check lists, the lists
# ("kind,window_s,limit,category" joined by ";"; kind ch = a category, fa = fatigue, cw = the
# occurrences of the entry's campaign, the entry's own excepted), then per operation
# "at_s,list,entries" and its entries. Adds the entries in order while every check passes (one
# already there passes without counting twice). Returns "added,failing check or 0" per
# operation, joined by ";" ("-1,0": the set is not loaded).
RESERVE = _COMMON + """
local nlists = tonumber(ARGV[2])
local lists = {}
for l = 1, nlists do
  local list = {}
  for kind, w, limit, cat in string.gmatch(ARGV[2 + l], '(%a+),(%d+),(%d+),(%d+)') do
    list[#list + 1] = {kind, tonumber(w), tonumber(limit), tonumber(cat) * B}
  end
  lists[l] = list
end
local out = {}
local a = 3 + nlists
for op = 1, #KEYS do
  local key = KEYS[op]
  local at, li, n = string.match(ARGV[a], '(%d+),(%d+),(%d+)')
  at = tonumber(at)
  n = tonumber(n)
  local checks = lists[tonumber(li)]
  local first = a + 1
  a = first + n
  local added, failing, loaded = 0, 0, true
  for e = first, first + n - 1 do
    local name = ARGV[e]
    local kind = string.byte(name, 1)
    local cat, fatigue, occ_name, occ_base = 0, false, '~', nil
    if kind == D then
      local ch, counted = string.byte(name, 3), string.byte(name, 5) == ONE
      if counted then cat = category(ch) end
      fatigue = counted and (ch == E or ch == S)
      local campaign, occurrence = string.match(name, '^d|.|.|(%d+)|(.*)$')
      occ_name = 'o|' .. campaign .. '|' .. occurrence
      occ_base = (16 + tonumber(campaign)) * B
    elseif kind == V then
      fatigue = string.byte(name, 3) == ONE
    end
    -- the marker (loaded?), the entry (already there?), its occurrence (checks skip it)
    local scores = redis.call('ZMSCORE', key, '~', name, occ_name)
    if not scores[1] then loaded = false; break end
    if not scores[2] then
      local own = tonumber(scores[3] or -1)
      local empty = {}  -- category -> widest window already found empty (narrower ones are too)
      for i, c in ipairs(checks) do
        local k, base = c[1], c[4]
        if k == 'fa' then base = 4 * B elseif k == 'cw' then base = occ_base end
        if base and not (empty[base] and empty[base] >= c[2]) then
          local since = base + at - c[2]
          local seen = redis.call('ZCOUNT', key, '(' .. num(since), num(base + B - 1))
          if k == 'cw' and own > since then seen = seen - 1 end
          if seen >= c[3] then failing = i; break end
          if seen == 0 then empty[base] = c[2] end
        end
      end
      if failing > 0 then break end
      if kind == D then
        if fatigue then
          redis.call('ZADD', key, 'NX', num(cat * B + at), name, num(occ_base + at), occ_name,
                     num(4 * B + at), 'f' .. string.sub(name, 2))
        else
          redis.call('ZADD', key, 'NX', num(cat * B + at), name, num(occ_base + at), occ_name)
        end
      else
        redis.call('ZADD', key, num((fatigue and 4 * B or 0) + at), name)
      end
    end
    added = added + 1
  end
  out[#out + 1] = loaded and (added .. ',' .. failing) or '-1,0'
end
return table.concat(out, ';')
"""

# KEYS[1] a member's set. ARGV: its lifetime (s), then (score, name) pairs. Loads only a set
# that is not loaded. A set is never extended: it lives its lifetime from the load, then the
# next use reloads it from PostgreSQL (which also drops contacts older than the horizon).
LOAD = """
if redis.call('ZSCORE', KEYS[1], '~') then return 0 end
redis.call('ZADD', KEYS[1], -1, '~')
for i = 2, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""

# KEYS[1] a member's set. ARGV: entries to take back (deliveries and impressions); a
# delivery's occurrence goes too when no other channel of it is left.
RELEASE = _COMMON + """
for _, name in ipairs(ARGV) do
  redis.call('ZREM', KEYS[1], name, 'f' .. string.sub(name, 2))
  local campaign, occurrence = string.match(name, '^d|.|.|(%d+)|(.*)$')
  if campaign then
    local left = false
    for _, ch in ipairs({'p', 'e', 's'}) do
      for _, counted in ipairs({'0', '1'}) do
        local sibling = 'd|' .. ch .. '|' .. counted .. '|' .. campaign .. '|' .. occurrence
        if redis.call('ZSCORE', KEYS[1], sibling) then
          left = true
        end
      end
    end
    if not left then redis.call('ZREM', KEYS[1], 'o|' .. campaign .. '|' .. occurrence) end
  end
end
return 1
"""
