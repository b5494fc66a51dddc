// Shows how a host page reads the widget's results: the `result` event carries the response object.
document.addEventListener('result', (event) => {
  document.getElementById('log').textContent = JSON.stringify(event.detail, null, 2);
});
