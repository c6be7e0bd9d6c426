import{b as Q,c as s,d as S,e as A,f as W,g as B,h as J,i as E,j as K,k as e,l as P,m as I,n as X,o as _,p as Z,q as ee,r as te,s as U,u as ae,v as ne,w as re}from"./chunk-JB27PA32.js";var we=/^\+[1-9]\d{7,14}$/,xe=700,le=["\u043D\u0430\u0431\u043E\u0440","\u0437\u0432\u043E\u043D\u043E\u043A","\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440","\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D"],F=new Set(["completed","failed","no_answer","busy","rejected"]),N={completed:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440 \u0441\u043E\u0441\u0442\u043E\u044F\u043B\u0441\u044F",failed:"\u043E\u0448\u0438\u0431\u043A\u0430",no_answer:"\u043D\u0435 \u043E\u0442\u0432\u0435\u0442\u0438\u043B\u0438",busy:"\u0437\u0430\u043D\u044F\u0442\u043E",rejected:"\u043E\u0442\u043A\u043B\u043E\u043D\u0451\u043D"};function _e(a){return F.has(a)?3:a==="connected"?2:a==="ringing"?1:0}function G(a,t){return a?we.test(a)?t&&!t.some(r=>a.startsWith(r))?`\u042D\u0442\u043E\u0442 \u043D\u043E\u043C\u0435\u0440 \u043D\u0435 \u0440\u0430\u0437\u0440\u0435\u0448\u0451\u043D: \u0437\u0432\u043E\u043D\u0438\u0442\u044C \u043C\u043E\u0436\u043D\u043E \u0442\u043E\u043B\u044C\u043A\u043E \u043D\u0430 ${t.join(", ")}.`:"":"\u041D\u043E\u043C\u0435\u0440 \u0432 \u0444\u043E\u0440\u043C\u0430\u0442\u0435 E.164: \xAB+\xBB, \u043A\u043E\u0434 \u0441\u0442\u0440\u0430\u043D\u044B \u0438 \u0446\u0438\u0444\u0440\u044B, \u043D\u0430\u043F\u0440\u0438\u043C\u0435\u0440 +79161234567.":"\u0412\u0432\u0435\u0434\u0438\u0442\u0435 \u043D\u043E\u043C\u0435\u0440."}function ke({me:a,persona:t,setPersona:r}){let[i,c]=s(""),[$,g]=s(""),[b,v]=s(null),[w,m]=s(null),u=A(null),l=t.kind==="yaml";async function d(n){m(null);try{let h=await E("POST","/persona/check",{yaml:n});v(h),r(h.ok?{kind:"yaml",value:h.persona,ok:!0}:{kind:"yaml",ok:!1})}catch(h){m(h),r({kind:"yaml",ok:!1})}}S(()=>{if(!l||!i.trim())return;let n=setTimeout(()=>d(i),400);return()=>clearTimeout(n)},[i,l]);function o(n){let h=u.current;if(!h||!n)return;let x=h.value.split(`
`),C=x.slice(0,n-1).reduce((f,T)=>f+T.length+1,0);h.focus(),h.setSelectionRange(C,C+(x[n-1]||"").length)}async function y(n){let h=n.target.files&&n.target.files[0];h&&(g(h.name),c(await h.text()))}return e`
    <div class="field">
      <label for="persona">Персона</label>
      <select id="persona" value=${l?"__yaml":t.value}
        onChange=${n=>n.target.value==="__yaml"?r({kind:"yaml",ok:!1}):r({kind:"bundled",value:n.target.value,ok:!0})}>
        ${a.personas.map(n=>e`<option value=${n.id}>${n.name} (${n.id})</option>`)}
        <option value="__yaml">Своя: вставить или загрузить YAML</option>
      </select>
      ${l&&e`
        <div class="yaml">
          <textarea ref=${u} id="persona-yaml" rows="12" spellcheck="false" aria-label="Персона в YAML"
            aria-describedby="persona-check" placeholder="id: my_persona&#10;name: Иван&#10;…"
            value=${i} onInput=${n=>c(n.target.value)}></textarea>
          <div class="upload">
            <input type="file" id="persona-file" accept=".yaml,.yml,text/yaml" onChange=${y} />
            <label for="persona-file">Загрузить файл YAML…</label>
            <span class="muted" id="persona-file-name">${$||"\u0444\u0430\u0439\u043B \u043D\u0435 \u0432\u044B\u0431\u0440\u0430\u043D"}</span>
          </div>
          <div id="persona-check" aria-live="polite">
            ${b&&b.ok&&e`<p class="ok">Персона в порядке: ${b.name} (${b.id}).</p>`}
            ${b&&!b.ok&&e`
              <ul class="problems">
                ${b.problems.map(n=>e`<li>
                  <button type="button" class="linklike" onClick=${()=>o(n.line)}>
                    ${n.line?`\u0441\u0442\u0440\u043E\u043A\u0430 ${n.line}`:"\u0444\u0430\u0439\u043B"}</button>${n.field?` \u2014 ${n.field}`:""}: <span title=${n.message}>${Z(n.message)}</span></li>`)}
              </ul>`}
            <${_} error=${w} />
          </div>
        </div>`}
    </div>`}function Ee({start:a,onAgain:t,canStop:r}){let[i,c]=s(null),[$,g]=s(null),[b,v]=s(null),[w,m]=s(!1),u=A(null),l=i?i.status:a.status,d=F.has(l);S(()=>{let f=!0,T=null;async function O(){try{let k=await E("GET",`/call/${a.call_id}`);if(!f||(c(k),g(null),F.has(k.status)))return}catch(k){if(!f)return;g(k)}T=setTimeout(O,xe)}return O(),()=>{f=!1,clearTimeout(T)}},[a.call_id]);let o=i&&i.transcript||[];S(()=>{let f=u.current;f&&f.scrollHeight-f.scrollTop-f.clientHeight<120&&(f.scrollTop=f.scrollHeight)},[o.length]);async function y(){m(!0),v(null);try{await E("POST",`/call/${a.call_id}/hangup`,{})}catch(f){v(f),m(!1)}}let n={};for(let f of i&&i.turns||[])n[f.turn]=f.voice_to_voice_ms;let h=o.length?o[0].t:0,x=_e(l),C=d?`${N[l]||l}${i&&i.end_reason?`, ${U[i.end_reason]||i.end_reason}`:""}`:"";return e`
    <section class="live" aria-labelledby="live-title">
      <h2 id="live-title">Звонок ${I(a.engine)}</h2>
      <p class="muted">Идентификатор звонка: <code>${a.call_id}</code></p>
      <ol class="steps" aria-label="Статус звонка">
        ${le.map((f,T)=>e`<li class=${T<x?"past":T===x?"now":""} aria-current=${T===x?"step":void 0}>${f}</li>`)}
      </ol>
      <p class="status" role="status" data-status=${l}>Статус: <strong>${le[x]}</strong>${C&&e` — ${C}`}</p>
      <${_} error=${$} />
      <ol class="transcript" ref=${u} aria-live="polite" aria-label="Расшифровка">
        ${o.length===0&&e`<li class="muted placeholder">Реплики появятся здесь, как только начнётся разговор.</li>`}
        ${o.map(f=>e`
          <li class=${`line ${f.who}`}>
            <span class="time">${q(f.t-h)}</span>
            <span class="who">${f.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
            <span class="text">${f.text}${f.cut?e` <em class="tag">перебит</em>`:""}${f.barge_in?e` <em class="tag">перебивает</em>`:""}</span>
            <span class="v2v" title="голос-в-голос: конец речи оператора → первый звук клиента">${f.who==="client"&&n[f.turn]!=null?`${n[f.turn]} \u043C\u0441`:""}</span>
          </li>`)}
      </ol>
      <p class="muted summary">${Se(i)}</p>
      <div class="actions">
        ${!d&&r&&e`<button type="button" class="danger" onClick=${y} disabled=${w}>${w?"\u0417\u0430\u0432\u0435\u0440\u0448\u0430\u0435\u043C\u2026":"\u0417\u0430\u0432\u0435\u0440\u0448\u0438\u0442\u044C"}</button>`}
        ${d&&e`<button type="button" onClick=${t}>Новый звонок</button>
          <a class="button-like" href=${`#/calls/${a.call_id}`}>Разбор звонка</a>`}
      </div>
      <${_} error=${b} />
    </section>`}var oe=a=>a==null?"\u2014":`${a} \u043C\u0441`;function Se(a){let t=a&&a.summary;return!t||!t.voice_to_voice_ms?"\xA0":`\u0413\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441: p50 ${oe(t.voice_to_voice_ms.p50)}, p95 ${oe(t.voice_to_voice_ms.p95)}; \u0445\u043E\u0434\u043E\u0432: ${t.turns}`}function q(a){let t=Math.max(0,Math.round(a/1e3));return`${String(Math.floor(t/60)).padStart(2,"0")}:${String(t%60).padStart(2,"0")}`}function se({me:a}){let t=a.permissions.includes("place_calls"),[r,i]=s(""),[c,$]=s(!1),[g,b]=s(a.default_engine),[v,w]=s({kind:"bundled",value:(a.personas[0]||{}).id,ok:!0}),[m,u]=s(""),[l,d]=s(""),[o,y]=s(null),[n,h]=s(!1),[x,C]=s(null);S(()=>b(a.default_engine),[a.default_engine]);let f=G(r.trim(),a.allowed_prefixes);async function T(k){if(k.preventDefault(),$(!0),!f){if(!v.ok){y({message:"\u041F\u0435\u0440\u0441\u043E\u043D\u0430 \u043D\u0435 \u043F\u0440\u043E\u0448\u043B\u0430 \u043F\u0440\u043E\u0432\u0435\u0440\u043A\u0443: \u0438\u0441\u043F\u0440\u0430\u0432\u044C\u0442\u0435 \u043E\u0448\u0438\u0431\u043A\u0438 \u0432 YAML \u0432\u044B\u0448\u0435."});return}h(!0),y(null);try{let z={};m.trim()&&(z.trainee=m.trim()),l.trim()&&(z.team=l.trim());let j={to:r.trim(),scenario:g,persona:v.value,labels:z};C(await E("POST","/call",j))}catch(z){y(z)}finally{h(!1)}}}if(x)return e`<${Ee} start=${x} canStop=${t} onAgain=${()=>C(null)} />`;let O=o&&o.field;return e`
    <form class="card" onSubmit=${T} novalidate aria-labelledby="call-title">
      <h2 id="call-title">Звонок</h2>
      <div class="field">
        <label for="to">Номер оператора</label>
        <input id="to" type="tel" inputmode="tel" autocomplete="off" placeholder="+79161234567" value=${r}
          aria-invalid=${c&&f?"true":"false"} aria-describedby="to-error"
          onInput=${k=>i(k.target.value)} onBlur=${()=>$(!0)} />
        ${c&&f&&e`<p class="error" id="to-error">${f}</p>`}
        ${O==="to"&&e`<${_} error=${o} id="to-error" />`}
      </div>
      <fieldset class="field">
        <legend>Движок</legend>
        ${P.map(k=>e`
          <label class="radio"><input type="radio" name="engine" value=${k.id} checked=${g===k.id}
            onChange=${()=>b(k.id)} /> ${k.label}${k.id===a.default_engine?e` <span class="muted">(по умолчанию)</span>`:""}</label>`)}
      </fieldset>
      <${ke} me=${a} persona=${v} setPersona=${w} />
      <div class="field pair">
        <div><label for="trainee">Стажёр (метка trainee)</label>
          <input id="trainee" value=${m} maxlength="100" onInput=${k=>u(k.target.value)} /></div>
        <div><label for="team">Команда (метка team)</label>
          <input id="team" value=${l} maxlength="100" onInput=${k=>d(k.target.value)} /></div>
      </div>
      ${o&&O!=="to"&&e`<${_} error=${o} />`}
      ${t?e`<button type="submit" class="primary" disabled=${n}>${n?"\u0417\u0432\u043E\u043D\u0438\u043C\u2026":"\u041F\u043E\u0437\u0432\u043E\u043D\u0438\u0442\u044C"}</button>`:e`<p class="note" id="viewer-note">Ваша роль — ${a.role==="viewer"?"\u043D\u0430\u0431\u043B\u044E\u0434\u0430\u0442\u0435\u043B\u044C":a.role}: звонить могут тренеры и администраторы.</p>`}
    </form>`}var Te=["starting","dialing","ringing","connected","completed","failed","no_answer","busy","rejected"],H={starting:"\u0437\u0430\u043F\u0443\u0441\u043A",dialing:"\u043D\u0430\u0431\u043E\u0440",ringing:"\u0437\u0432\u043E\u043D\u043E\u043A",connected:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440",...N},Ce={voximplant:"Voximplant \u043E\u0442\u043A\u0430\u0437\u0430\u043B \u0432 \u0437\u0432\u043E\u043D\u043A\u0435",call:"\u0417\u0432\u043E\u043D\u043E\u043A \u043D\u0435 \u0441\u043E\u0441\u0442\u043E\u044F\u043B\u0441\u044F",scenario:"\u0421\u0446\u0435\u043D\u0430\u0440\u0438\u0439 \u0437\u0430\u0432\u0435\u0440\u0448\u0438\u043B \u0437\u0432\u043E\u043D\u043E\u043A \u0434\u043E \u0441\u043E\u0435\u0434\u0438\u043D\u0435\u043D\u0438\u044F",system:"\u0418\u0442\u043E\u0433 \u0437\u0432\u043E\u043D\u043A\u0430 \u043D\u0435 \u0434\u043E\u0448\u0451\u043B \u0434\u043E \u0441\u0435\u0440\u0432\u0435\u0440\u0430 (\u0437\u0432\u043E\u043D\u043E\u043A \u043F\u043E\u0442\u0435\u0440\u044F\u043D)"},Ie={yes:"\u0434\u0430",partial:"\u0447\u0430\u0441\u0442\u0438\u0447\u043D\u043E",no:"\u043D\u0435\u0442",na:"\u043D\u0435\u043F\u0440\u0438\u043C\u0435\u043D\u0438\u043C\u043E"},ce=a=>a?a.slice(0,19).replace("T"," "):"\u2014",de=a=>a==null?"\u2014":`${Math.round(a/1e3)} \u0441`,L=a=>a==null?"\u2014":`${a} \u043C\u0441`;function Oe(a,t){let r=new URLSearchParams;for(let i of["engine","persona","status"])a[i]&&r.set(i,a[i]);for(let[i,c]of[["trainee",a.trainee],["team",a.team]])c&&c.trim()&&r.append("label",`${i}:${c.trim()}`);return a.since&&r.set("since",a.since),a.until&&r.set("until",a.until),r.set("limit",String(a.limit||20)),t&&r.set("cursor",t),r.toString()}function ue({me:a}){let[t,r]=s({engine:"",persona:"",status:"",trainee:"",team:"",since:"",until:"",limit:20}),[i,c]=s(t),[$,g]=s([null]),[b,v]=s(null),[w,m]=s(null),[u,l]=s(!1),d=$[$.length-1];S(()=>{let n=!0;return l(!0),E("GET",`/calls?${Oe(i,d)}`).then(h=>{n&&(v(h),m(null))}).catch(h=>{n&&m(h)}).finally(()=>{n&&l(!1)}),()=>{n=!1}},[i,d]);let o=n=>h=>r({...t,[n]:h.target.value});function y(n){n.preventDefault(),c(t),g([null])}return e`
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">Звонки</h2>
      <form class="filters" onSubmit=${y} aria-label="Фильтры">
        <label>Движок<select value=${t.engine} onChange=${o("engine")}>
          <option value="">все</option>${P.map(n=>e`<option value=${n.id}>${n.label}</option>`)}</select></label>
        <label>Персона<select value=${t.persona} onChange=${o("persona")}>
          <option value="">все</option>${a.personas.map(n=>e`<option value=${n.id}>${n.name}</option>`)}</select></label>
        <label>Статус<select value=${t.status} onChange=${o("status")}>
          <option value="">все</option>${Te.map(n=>e`<option value=${n}>${H[n]||n}</option>`)}</select></label>
        <label>Стажёр<input value=${t.trainee} onInput=${o("trainee")} /></label>
        <label>Команда<input value=${t.team} onInput=${o("team")} /></label>
        <label>С даты<input type="date" value=${t.since} onInput=${o("since")} /></label>
        <label>По дату (не включая)<input type="date" value=${t.until} onInput=${o("until")} /></label>
        <label>На странице<select value=${t.limit} onChange=${o("limit")}>
          ${[10,20,50].map(n=>e`<option value=${n}>${n}</option>`)}</select></label>
        <button type="submit" class="primary">Показать</button>
      </form>
      <${_} error=${w} />
      <div class="table-wrap"><table class="calls" aria-busy=${u?"true":"false"}>
        <thead><tr><th scope="col">Начат (UTC)</th><th scope="col">Движок</th><th scope="col">Персона</th>
          <th scope="col">Метки</th><th scope="col">Статус</th><th scope="col">Длит.</th><th scope="col">v2v p50</th><th scope="col">Оценка</th></tr></thead>
        <tbody>
          ${b&&b.calls.length===0&&e`<tr><td colspan="8" class="muted">Звонков с такими условиями нет.</td></tr>`}
          ${b&&b.calls.map(n=>e`<tr>
            <td data-label="Начат"><a href=${`#/calls/${n.call_id}`}>${ce(n.created_at)}</a></td>
            <td data-label="Движок">${I(n.engine)}</td><td data-label="Персона">${n.persona||"\u2014"}</td>
            <td data-label="Метки">${Object.entries(n.labels||{}).map(([h,x])=>e`<span class="badge">${h}: ${x}</span> `)}</td>
            <td data-label="Статус">${H[n.status]||n.status}</td><td data-label="Длит.">${de(n.duration_ms)}</td>
            <td data-label="v2v p50">${L(n.voice_to_voice_p50_ms)}</td>
            <td data-label="Оценка">${n.evaluation&&n.evaluation.operator_score!=null?`${n.evaluation.operator_score}/100`:"\u2014"}</td>
          </tr>`)}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Страницы">
        <button type="button" disabled=${$.length<2} onClick=${()=>g($.slice(0,-1))}>Назад</button>
        <span class="muted">Страница ${$.length}</span>
        <button type="button" disabled=${!b||!b.next_cursor} onClick=${()=>g([...$,b.next_cursor])}>Дальше</button>
      </nav>
    </section>`}function ie({q:a,jump:t}){return e`<button type="button" class="quote" onClick=${()=>t(a)}>«${a.text}»</button>`}function Pe({evaluation:a,jump:t}){if(!a||a.status==="pending")return e`<p class="muted" role="status">Оценка готовится: она появится здесь после окончания звонка.</p>`;if(a.status==="failed")return e`<p class="error" title=${a.reason}>Оценка не удалась: ${ne(a.reason)}.</p>`;let r=a.operator,i=a.cost;return e`
    ${r&&e`
      <p><strong>Оператор: ${r.score}/100</strong> (${ee(r.level)})${r.raw_score!==r.score?e` <span class="muted">до штрафов ${r.raw_score}</span>`:""}</p>
      <div class="table-wrap"><table class="scorecard">
        <thead><tr><th scope="col">Пункт</th><th scope="col">Итог</th><th scope="col">Цитаты</th></tr></thead>
        <tbody>${r.checklist.map(c=>e`<tr>
          <td>${c.question}${c.critical?e` <span class="badge">критичный</span>`:""}</td>
          <td class=${`verdict ${c.status}`}>${Ie[c.status]||c.status}${c.note?e`<br /><span class="muted">${c.note}</span>`:""}</td>
          <td>${c.quotes.map($=>e`<${ie} q=${$} jump=${t} />`)}</td></tr>`)}</tbody>
      </table></div>
      ${r.issues.length>0&&e`<h4>Замечания</h4><ul>${r.issues.map(c=>e`<li><strong>${c.title}</strong> — ${c.recommendation}
        ${c.quotes.map($=>e` <${ie} q=${$} jump=${t} />`)}</li>`)}</ul>`}`}
    <p class="muted">Метод оценки: ${te[a.method]||a.method}${a.model?`, \u043C\u043E\u0434\u0435\u043B\u044C ${a.model}`:""}</p>
    <p>Верность персоне (клиент): <strong>${a.client.fidelity??"\u2014"}</strong>${a.client.fidelity!=null?"/100":""}</p>
    <p>Стоимость: <strong>${typeof i.total_usd=="number"?`$${i.total_usd.toFixed(4)}`:`\u043D\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430 (\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430\u044F \u0447\u0430\u0441\u0442\u044C $${i.known_usd.toFixed(4)})`}</strong>
      <span class="muted"> цены на ${i.pricing_as_of}</span></p>`}function Me({turns:a}){if(!a.length)return e`<p class="muted">Замеров по ходам нет.</p>`;let t=Math.max(...a.map(r=>r.voice_to_voice_ms||0),1);return e`
    <p class="muted">Конец речи оператора → запрос реплики → ответ бэкенда → первый звук клиента. Полоса — голос-в-голос;
      тёмная часть — запрос и ответ реплики (из них бэкенд и LLM), светлая — остальное (распознавание, синтез, сеть).</p>
    <ol class="timeline">${a.map(r=>{let i=r.voice_to_voice_ms,c=r.reply_roundtrip_ms;return e`<li>
        <span class="turn">ход ${r.turn}</span>
        <span class="bar" role="img" aria-label=${`\u0433\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441 ${L(i)}, \u0440\u0435\u043F\u043B\u0438\u043A\u0430 ${L(c)}`}>
          ${i!=null&&e`<span class="whole" style=${`width:${100*i/t}%`}>
            ${c!=null&&e`<span class="reply" style=${`width:${Math.min(100,100*c/i)}%`}></span>`}</span>`}
        </span>
        <span class="figures">${L(i)}; реплика ${L(c)}; бэкенд ${L(r.backend_ms)}; LLM ${L(r.llm_ms)}${r.fallback?"; \u0437\u0430\u043F\u0430\u0441\u043D\u043E\u0439 \u043E\u0442\u0432\u0435\u0442":""}</span>
      </li>`})}</ol>`}function pe({callId:a}){let[t,r]=s(null),[i,c]=s(null),[$,g]=s(null),b=A(null);S(()=>{let u=!0,l=null;async function d(){try{let o=await E("GET",`/call/${a}`);if(!u)return;r(o);let y=!["completed","failed","no_answer","busy","rejected"].includes(o.status),n=!o.evaluation||o.evaluation.status==="pending";(y||n)&&(l=setTimeout(d,2e3))}catch(o){u&&c(o)}}return d(),()=>{u=!1,clearTimeout(l)}},[a]);function v(u){let l=t.transcript,d=l.findIndex(n=>n.turn===u.turn&&(!u.who||n.who===u.who)&&n.text.includes(u.text.slice(0,20))),o=d>=0?d:l.findIndex(n=>n.turn===u.turn&&(!u.who||n.who===u.who));if(o<0)return;g(o);let y=b.current&&b.current.children[o];y&&(y.scrollIntoView({block:"center"}),y.focus())}if(i)return e`<section class="card"><h2>Звонок</h2><${_} error=${i} /><p><a href="#/calls">← Все звонки</a></p></section>`;if(!t)return e`<section class="card"><p class="muted">Загрузка…</p></section>`;let w=t.transcript.length?t.transcript[0].t:0,m=t.summary||{};return e`
    <section class="card" aria-labelledby="detail-title">
      <p><a href="#/calls">← Все звонки</a></p>
      <h2 id="detail-title">Звонок ${I(t.engine)}: ${t.persona.name||t.persona.id}</h2>
      <dl class="facts">
        <dt>Идентификатор</dt><dd><code>${t.call_id}</code></dd>
        <dt>Статус</dt><dd>${H[t.status]||t.status}${t.end_reason?`, ${U[t.end_reason]||t.end_reason}`:""}</dd>
        <dt>Начат (UTC)</dt><dd>${ce(t.created_at)}</dd>
        <dt>Длительность</dt><dd>${de(t.duration_ms)}</dd>
        <dt>Метки</dt><dd>${Object.entries(t.labels||{}).map(([u,l])=>e`<span class="badge">${u}: ${l}</span> `)}${Object.keys(t.labels||{}).length?"":"\u2014"}</dd>
        <dt>Голос-в-голос</dt><dd>p50 ${L(m.voice_to_voice_ms&&m.voice_to_voice_ms.p50)}, p95 ${L(m.voice_to_voice_ms&&m.voice_to_voice_ms.p95)}</dd>
        <dt>Перебивания</dt><dd>${m.barge_ins??"\u2014"}</dd>
        ${t.fallback_reason&&e`<dt>Запасные ответы</dt><dd class="fallback" title=${t.fallback_reason}>${ae(t.fallback_reason)}</dd>`}
      </dl>
      <h3>Запись</h3>
      ${t.recording_url?e`<audio controls preload="none" src=${t.recording_url}></audio><p><a href=${t.recording_url} rel="noreferrer">Скачать запись</a></p>`:e`<p class="muted">Записи нет.</p>`}
      <h3>Расшифровка</h3>
      <ol class="transcript detail" ref=${b} aria-label="Расшифровка">
        ${t.transcript.map((u,l)=>e`<li tabindex="-1" class=${`line ${u.who}${$===l?" lit":""}`}>
          <span class="time">${q(u.t-w)}</span>
          <span class="who">${u.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
          <span class="text">${u.text}${u.cut?e` <em class="tag">перебит</em>`:""}${u.barge_in?e` <em class="tag">перебивает</em>`:""}</span>
          <span class="v2v"></span></li>`)}
      </ol>
      <h3>Ходы</h3>
      <${Me} turns=${t.turns||[]} />
      <h3>Оценка</h3>
      <${Pe} evaluation=${t.evaluation} jump=${v} />
      <h3>Ошибки</h3>
      ${(t.errors||[]).length===0&&!t.failure?e`<p class="muted">Ошибок нет.</p>`:e`<ul class="errors">
            ${t.failure&&e`<li>${Ce[t.failure.source]||t.failure.source}: <code>${t.failure.reason||t.failure.code}</code></li>`}
            ${(t.errors||[]).map(u=>e`<li>Сценарий сообщил об ошибке (${u.where}${u.code?`, ${u.code}`:""}): <code>${u.message}</code></li>`)}</ul>`}
    </section>`}var me={...N,cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},Le={queued:"\u0432 \u043E\u0447\u0435\u0440\u0435\u0434\u0438",running:"\u0438\u0434\u0451\u0442",paused:"\u043D\u0430 \u043F\u0430\u0443\u0437\u0435",done:"\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D",cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},be={queued:"\u0432 \u043E\u0447\u0435\u0440\u0435\u0434\u0438",waiting:"\u0436\u0434\u0451\u0442",dialing:"\u043D\u0430\u0431\u043E\u0440",live:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440",done:"\u0433\u043E\u0442\u043E\u0432\u043E",cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},ze=[["mon","\u043F\u043D"],["tue","\u0432\u0442"],["wed","\u0441\u0440"],["thu","\u0447\u0442"],["fri","\u043F\u0442"],["sat","\u0441\u0431"],["sun","\u0432\u0441"]],fe=new Set(["done","cancelled"]);function Ae({me:a,onStarted:t}){let[r,i]=s((a.personas[0]||{}).id),[c,$]=s(P.map(p=>p.id)),[g,b]=s(""),[v,w]=s(1),[m,u]=s(2),[l,d]=s(5),[o,y]=s(!1),[n,h]=s({timezone:"Europe/Moscow",from:"09:00",to:"18:00",days:["mon","tue","wed","thu","fri"]}),[x,C]=s(null),[f,T]=s(!1),O=g.split(/[\s,;]+/).map(p=>p.trim()).filter(Boolean),k=O.length*c.length*v,[z,j]=s(!1),Y=O.map(p=>[p,G(p,a.allowed_prefixes)]).filter(([,p])=>p),ve=p=>/^\+[1-9]\d{7,14}$/.test(p)?"\u043D\u0435 \u0438\u0437 \u0440\u0430\u0437\u0440\u0435\u0448\u0451\u043D\u043D\u044B\u0445 \u043D\u0430\u043F\u0440\u0430\u0432\u043B\u0435\u043D\u0438\u0439":"\u043D\u0435 \u0432 \u0444\u043E\u0440\u043C\u0430\u0442\u0435 E.164",D=O.length?Y.length?`\u041D\u0435 \u043F\u043E\u0434\u0445\u043E\u0434\u044F\u0442: ${Y.map(([p])=>`${p} \u2014 ${ve(p)}`).join("; ")}. \u041D\u043E\u043C\u0435\u0440 \u2014 \xAB+\xBB, \u043A\u043E\u0434 \u0441\u0442\u0440\u0430\u043D\u044B \u0438 \u0446\u0438\u0444\u0440\u044B; \u0437\u0432\u043E\u043D\u0438\u0442\u044C \u043C\u043E\u0436\u043D\u043E \u0442\u043E\u043B\u044C\u043A\u043E \u043D\u0430 ${(a.allowed_prefixes||[]).join(", ")}.`:"":"\u0412\u0432\u0435\u0434\u0438\u0442\u0435 \u0445\u043E\u0442\u044F \u0431\u044B \u043E\u0434\u0438\u043D \u043D\u043E\u043C\u0435\u0440.",V=(p,M)=>p.includes(M)?p.filter(R=>R!==M):[...p,M];async function ye(p){if(p.preventDefault(),j(!0),!D){T(!0),C(null);try{let M={persona:r,engines:c,targets:O.map(R=>({to:R})),repeats:Number(v),max_concurrent:Number(m),start_interval_s:Number(l),...o?{window:n}:{}};t(await E("POST","/batches",M))}catch(M){C(M)}finally{T(!1)}}}return e`
    <form class="card" onSubmit=${ye} aria-labelledby="batch-title" novalidate>
      <h2 id="batch-title">Новый пакет</h2>
      <div class="field"><label for="batch-persona">Персона</label>
        <select id="batch-persona" value=${r} onChange=${p=>i(p.target.value)}>
          ${a.personas.map(p=>e`<option value=${p.id}>${p.name} (${p.id})</option>`)}</select></div>
      <fieldset class="field"><legend>Движки</legend>
        ${P.map(p=>e`<label class="radio"><input type="checkbox" checked=${c.includes(p.id)}
          onChange=${()=>$(V(c,p.id))} /> ${p.label}</label>`)}</fieldset>
      <div class="field"><label for="batch-targets">Номера операторов (через запятую или с новой строки)</label>
        <textarea id="batch-targets" rows="3" value=${g} onInput=${p=>b(p.target.value)}
          onBlur=${()=>j(!0)} aria-invalid=${z&&D?"true":"false"}
          aria-describedby="batch-targets-error batch-total"></textarea>
        ${z&&D&&e`<p class="error" id="batch-targets-error">${D}</p>`}
        ${x&&x.field&&x.field.startsWith("targets")&&e`<${_} error=${x} id="batch-targets-error" />`}
        <p class="muted" id="batch-total">Звонков в пакете: ${k} (номера × движки × повторы; не больше 300)</p></div>
      <div class="field triple">
        <div><label for="batch-repeats">Повторы</label><input id="batch-repeats" type="number" min="1" max="20" value=${v} onInput=${p=>w(p.target.value)} /></div>
        <div><label for="batch-concurrent">Одновременно</label><input id="batch-concurrent" type="number" min="1" max="20" value=${m} onInput=${p=>u(p.target.value)} /></div>
        <div><label for="batch-interval">Пауза между стартами, с</label><input id="batch-interval" type="number" min="0" max="3600" value=${l} onInput=${p=>d(p.target.value)} /></div>
      </div>
      <fieldset class="field"><legend>Окно звонков</legend>
        <label class="radio"><input type="checkbox" checked=${o} onChange=${()=>y(!o)} /> звонить только в заданные часы</label>
        ${o&&e`<div class="triple">
          <div><label for="batch-tz">Часовой пояс</label><input id="batch-tz" value=${n.timezone} onInput=${p=>h({...n,timezone:p.target.value})} /></div>
          <div><label for="batch-from">С</label><input id="batch-from" value=${n.from} onInput=${p=>h({...n,from:p.target.value})} /></div>
          <div><label for="batch-to">До</label><input id="batch-to" value=${n.to} onInput=${p=>h({...n,to:p.target.value})} /></div>
        </div>
        <div class="days">${ze.map(([p,M])=>e`<label class="radio"><input type="checkbox" checked=${n.days.includes(p)}
          onChange=${()=>h({...n,days:V(n.days,p)})} /> ${M}</label>`)}</div>`}
      </fieldset>
      ${!(x&&x.field&&x.field.startsWith("targets"))&&e`<${_} error=${x} />`}
      <button type="submit" class="primary" disabled=${f}>${f?"\u0417\u0430\u043F\u0443\u0441\u043A\u0430\u0435\u043C\u2026":"\u0417\u0430\u043F\u0443\u0441\u0442\u0438\u0442\u044C \u043F\u0430\u043A\u0435\u0442"}</button>
    </form>`}function Ne({batchId:a,canAct:t}){let[r,i]=s(null),[c,$]=s(null),[g,b]=s(null),[v,w]=s(0);S(()=>{let l=!0,d=null;async function o(){try{let y=await E("GET",`/batches/${a}`);if(!l||(i(y),$(null),fe.has(y.state)))return}catch(y){l&&$(y)}d=setTimeout(o,1500)}return o(),()=>{l=!1,clearTimeout(d)}},[a,v]);async function m(l){b(null);try{await E("POST",`/batches/${a}/${l}`,{}),w(v+1)}catch(d){b(d)}}if(!r)return e`<section class="card">${c?e`<${_} error=${c} />`:e`<p class="muted">Загрузка…</p>`}</section>`;let u=r.counts&&r.counts.by_state||{};return e`
    <section class="card" aria-labelledby="batch-view-title">
      <h2 id="batch-view-title">Пакет <code>${a}</code></h2>
      <p role="status" class="status" data-state=${r.state}>Состояние: <strong>${Le[r.state]||r.state}</strong>;
        сейчас в разговоре: ${r.live??0}</p>
      <p class="muted">${Object.entries(u).map(([l,d])=>`${be[l]||l}: ${d}`).join(" \xB7 ")}</p>
      ${t&&e`<div class="actions">
        ${["queued","running"].includes(r.state)&&e`<button type="button" onClick=${()=>m("pause")}>Пауза</button>`}
        ${r.state==="paused"&&e`<button type="button" onClick=${()=>m("resume")}>Продолжить</button>`}
        ${!fe.has(r.state)&&e`<button type="button" class="danger" onClick=${()=>m("cancel")}>Отменить</button>`}
      </div>`}
      <${_} error=${g} />
      <p><a href=${`#/compare/${a}`}>Сравнение движков по этому пакету →</a></p>
      <div class="table-wrap"><table class="batch-items">
        <thead><tr><th scope="col">#</th><th scope="col">Номер</th><th scope="col">Движок</th><th scope="col">Состояние</th>
          <th scope="col">Попытка</th><th scope="col">Итог</th><th scope="col">Звонки</th></tr></thead>
        <tbody>${(r.items||[]).map((l,d)=>e`<tr>
          <td data-label="#">${(l.index??d)+1}</td><td data-label="Номер">${l.to}</td><td data-label="Движок">${I(l.engine)}</td>
          <td data-label="Состояние">${be[l.state]||l.state}${l.reason?e` <span class="muted reason" title=${l.reason}>(${re(l.reason,me)})</span>`:""}</td>
          <td data-label="Попытка">${l.attempt??"\u2014"}</td><td data-label="Итог">${l.outcome?me[l.outcome]||l.outcome:"\u2014"}</td>
          <td data-label="Звонки">${(l.calls||[]).map(o=>e`<a href=${`#/calls/${o}`}>${o.slice(0,8)}</a> `)}</td></tr>`)}</tbody>
      </table></div>
    </section>`}function $e({me:a,batchId:t}){let r=a.permissions.includes("place_calls");return t?e`<${Ne} key=${t} batchId=${t} canAct=${r} />`:r?e`<${Ae} me=${a} onStarted=${i=>{location.hash=`#/batches/${i.batch_id}`}} />`:e`<section class="card"><h2>Пакеты</h2><p class="note">Запускать пакеты могут тренеры и администраторы.</p></section>`}function ge({onChanged:a}){let[t,r]=s(null),[i,c]=s(null),[$,g]=s(null),[b,v]=s(!1),[w,m]=s("");async function u(){try{let d=await E("GET","/settings");r(d),g(d.default_engine)}catch(d){c(d)}}S(()=>{u()},[]);async function l(d){d.preventDefault(),v(!0),c(null),m("");try{let o=await E("PUT","/settings/default_engine",{engine:$});r(o),m(`\u0414\u0432\u0438\u0436\u043E\u043A \u043F\u043E \u0443\u043C\u043E\u043B\u0447\u0430\u043D\u0438\u044E \u0442\u0435\u043F\u0435\u0440\u044C \xAB${I(o.default_engine)}\xBB.`),a()}catch(o){c(o)}finally{v(!1)}}return t?e`
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Настройки</h2>
      <h3>Маршрутизация сейчас</h3>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Движок</th><th scope="col">Правило Voximplant</th><th scope="col">Сценарий</th></tr></thead>
        <tbody>
          ${P.map(d=>{let o=t.engines[d.id];return e`<tr><th scope="row">${d.label}${d.id===t.default_engine?e` <span class="badge">по умолчанию</span>`:""}</th>
              <td>${o?o.rule:e`<span class="error">не настроено</span>`}${o&&o.application_name?e` <span class="muted">(${o.application_name})</span>`:""}</td>
              <td>${o?o.scenario_name:"\u2014"}</td></tr>`})}
        </tbody>
      </table></div>
      <dl class="facts">
        <dt>Разрешённые направления</dt><dd>${t.allowed_prefixes.join(", ")||"\u043D\u0438\u043A\u0430\u043A\u0438\u0435"}</dd>
        <dt>Номер по умолчанию</dt><dd>${t.default_caller_id||"\u043D\u0435 \u0437\u0430\u0434\u0430\u043D"}</dd>
        <dt>Предел длительности</dt><dd>${t.max_call_duration_s} с</dd>
      </dl>
      <form onSubmit=${l}>
        <fieldset class="field">
          <legend>Движок по умолчанию для всех (${t.parameter})</legend>
          ${P.map(d=>e`<label class="radio"><input type="radio" name="default-engine" value=${d.id}
            checked=${$===d.id} onChange=${()=>g(d.id)} /> ${d.label}</label>`)}
        </fieldset>
        <button type="submit" class="primary" disabled=${b||$===t.default_engine}>${b?"\u0421\u043E\u0445\u0440\u0430\u043D\u044F\u0435\u043C\u2026":"\u0421\u043E\u0445\u0440\u0430\u043D\u0438\u0442\u044C"}</button>
        <p role="status" class="ok">${w}</p>
        <${_} error=${i} />
      </form>
      <h3>Кто и когда менял</h3>
      ${t.history.length===0?e`<p class="muted">Из консоли ещё ничего не меняли.</p>`:e`
        <div class="table-wrap"><table class="history">
          <thead><tr><th scope="col">Когда (UTC)</th><th scope="col">Кто</th><th scope="col">Было</th><th scope="col">Стало</th></tr></thead>
          <tbody>${t.history.map(d=>e`<tr><td>${d.at.replace("T"," ").replace("+00:00","")}</td><td>${d.who}</td>
            <td>${I(d.old)}</td><td>${I(d.new)}</td></tr>`)}</tbody>
        </table></div>`}
    </section>`:e`<section class="card"><h2>Настройки</h2>${i?e`<${_} error=${i} />`:e`<p class="muted">Загрузка…</p>`}</section>`}function je({onSignedIn:a}){let[t,r]=s(""),[i,c]=s(""),[$,g]=s(null),[b,v]=s(""),[w,m]=s(null),[u,l]=s(!1);async function d(o){o.preventDefault(),l(!0),m(null);try{let n=await K($?{username:t,new_password:b,session:$}:{username:t,password:i});B(n),a()}catch(y){y.code==="new_password_required"&&g(y.body.session),m(y)}finally{l(!1)}}return e`
    <main class="signin">
      <form class="card" onSubmit=${d} aria-labelledby="signin-title">
        <h1 id="signin-title">Виртуальный клиент</h1>
        <p class="muted">Войдите, чтобы звонить и смотреть звонки.</p>
        <div class="field"><label for="username">Имя пользователя</label>
          <input id="username" autocomplete="username" value=${t} onInput=${o=>r(o.target.value)} required /></div>
        ${$?e`<div class="field"><label for="new-password">Новый пароль</label>
              <input id="new-password" type="password" autocomplete="new-password" value=${b} onInput=${o=>v(o.target.value)} required /></div>`:e`<div class="field"><label for="password">Пароль</label>
              <input id="password" type="password" autocomplete="current-password" value=${i} onInput=${o=>c(o.target.value)} required /></div>`}
        <${_} error=${w} />
        <button type="submit" class="primary" disabled=${u}>${u?"\u0412\u0445\u043E\u0434\u0438\u043C\u2026":"\u0412\u043E\u0439\u0442\u0438"}</button>
      </form>
    </main>`}var De=[{id:"call",title:"\u0417\u0432\u043E\u043D\u043E\u043A",may:()=>!0},{id:"calls",title:"\u0417\u0432\u043E\u043D\u043A\u0438",may:()=>!0},{id:"batches",title:"\u041F\u0430\u043A\u0435\u0442\u044B",may:()=>!0},{id:"compare",title:"\u0421\u0440\u0430\u0432\u043D\u0435\u043D\u0438\u0435",may:()=>!0},{id:"settings",title:"\u041D\u0430\u0441\u0442\u0440\u043E\u0439\u043A\u0438",may:a=>a.permissions.includes("change_routing")}];function he(){let[a,t]=location.hash.replace(/^#\/?/,"").split("/");return{tab:a||"call",id:t||null}}function Ue(a){let[t,r]=s(null),[i,c]=s(null);return S(()=>{import("./compare-3YOY6EJA.js").then(r).catch(()=>c({message:"\u041D\u0435 \u0443\u0434\u0430\u043B\u043E\u0441\u044C \u0437\u0430\u0433\u0440\u0443\u0437\u0438\u0442\u044C \u0441\u0442\u0440\u0430\u043D\u0438\u0446\u0443 \u0441\u0440\u0430\u0432\u043D\u0435\u043D\u0438\u044F."}))},[]),i?e`<${_} error=${i} />`:t?e`<${t.ComparePage} ...${a} />`:e`<p class="muted">Загрузка…</p>`}function Re(){let[a,t]=s(W()),[r,i]=s(null),[c,$]=s(null),[g,b]=s(he());S(()=>{J(()=>{t(null),i(null)});let l=()=>b(he());return addEventListener("hashchange",l),()=>removeEventListener("hashchange",l)},[]);async function v(){try{i(await E("GET","/me")),$(null)}catch(l){$(l)}}if(S(()=>{a&&v()},[a]),!a)return e`<${je} onSignedIn=${()=>t(W())} />`;if(!r)return e`<main class="page">${c?e`<${_} error=${c} />`:e`<p class="muted">Загрузка…</p>`}</main>`;let w=De.filter(l=>l.may(r)),m=w.find(l=>l.id===g.tab)?g.tab:"call";function u(){B(null),t(null),i(null)}return e`
    <header class="top">
      <span class="brand">Виртуальный клиент</span>
      <nav aria-label="Разделы"><ul>
        ${w.map(l=>e`<li><a href=${`#/${l.id}`} aria-current=${l.id===m?"page":void 0}>${l.title}</a></li>`)}
      </ul></nav>
      <span class="who">${r.username} · ${X[r.role]||r.role}
        <button type="button" class="linklike" onClick=${u}>Выйти</button></span>
    </header>
    <main class="page">
      ${m==="call"&&e`<${se} me=${r} />`}
      ${m==="calls"&&!g.id&&e`<${ue} me=${r} />`}
      ${m==="calls"&&g.id&&e`<${pe} key=${g.id} callId=${g.id} />`}
      ${m==="batches"&&e`<${$e} key=${g.id||"new"} me=${r} batchId=${g.id} />`}
      ${m==="compare"&&e`<${Ue} key=${g.id||"form"} me=${r} batchId=${g.id} />`}
      ${m==="settings"&&e`<${ge} onChanged=${v} />`}
    </main>`}Q(e`<${Re} />`,document.getElementById("app"));
